import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, Redirect, useLocation } from 'wouter';
import { api } from '../api';
import { ErrorNote } from '../components/Status';
import { safeNext } from '../next-path';
import { useSession } from '../session';
import { useTitle } from '../use-title';

type Mode = 'signup' | 'login';

function AuthForm({ mode }: { mode: Mode }) {
  const signup = mode === 'signup';
  const { t } = useTranslation();
  useTitle(signup ? t('auth.signUp') : t('auth.logIn'));
  const { user, setUser } = useSession();
  const [, navigate] = useLocation();
  const [handle, setHandle] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const next = safeNext(window.location.search);
  if (user && !busy) return <Redirect to={next ?? `/u/${user.handle}`} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = signup
        ? await api.signup({ handle: handle.trim(), displayName: displayName.trim(), password })
        : await api.login({ handle: handle.trim(), password });
      setUser(result.user);
      navigate(next ?? `/u/${result.user.handle}`, { replace: true });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <section className="card narrow">
      <h1>{signup ? t('auth.createTitle') : t('auth.loginTitle')}</h1>
      {/* The server's messages are the inline errors, so the browser's own bubbles stay out of the way. */}
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="handle">{t('auth.handle')}</label>
          <input
            id="handle"
            name="handle"
            value={handle}
            onChange={(e) => setHandle(e.target.value)}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            maxLength={15}
            pattern={signup ? '[A-Za-z0-9_]{3,15}' : undefined}
            aria-describedby={signup ? 'handle-hint' : undefined}
          />
          {signup && (
            <small id="handle-hint" className="hint">
              {t('auth.handleHint')}
            </small>
          )}
        </div>
        {signup && (
          <div className="field">
            <label htmlFor="displayName">{t('settings.displayName')}</label>
            <input
              id="displayName"
              name="displayName"
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
              autoComplete="name"
              required
              maxLength={50}
            />
          </div>
        )}
        <div className="field">
          <label htmlFor="password">{t('auth.password')}</label>
          <input
            id="password"
            name="password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete={signup ? 'new-password' : 'current-password'}
            required
            minLength={signup ? 8 : undefined}
            aria-describedby={signup ? 'password-hint' : undefined}
          />
          {signup && (
            <small id="password-hint" className="hint">
              {t('auth.passwordHint')}
            </small>
          )}
        </div>
        <ErrorNote error={error} />
        <button type="submit" className="button full" disabled={busy}>
          {signup ? t('auth.signUp') : t('auth.logIn')}
        </button>
      </form>
      <p className="muted center">
        {signup ? (
          <Trans i18nKey="auth.haveAccount" components={{ a: <Link href={`/login${window.location.search}`} /> }} />
        ) : (
          <Trans i18nKey="auth.newHere" components={{ a: <Link href={`/signup${window.location.search}`} /> }} />
        )}
      </p>
    </section>
  );
}

export const SignupPage = () => <AuthForm mode="signup" />;
export const LoginPage = () => <AuthForm mode="login" />;
