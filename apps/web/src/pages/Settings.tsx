import type { ApiToken, User } from '@earshot/protocol';
import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { useAnnounce } from '../announcer';
import { api } from '../api';
import { AvatarUpload } from '../components/AvatarUpload';
import { SignInPrompt } from '../components/SignInPrompt';
import { ErrorNote, Loading } from '../components/Status';
import { dayDate } from '../format';
import { LanguageSettings } from '../LanguageSettings';
import { NotificationSettings } from '../pwa/NotificationSettings';
import { forgetPushOnLogout } from '../pwa/push';
import { useSession } from '../session';
import { useLoad } from '../use-load';
import { useTitle } from '../use-title';

const BIO_LIMIT = 160;

function ProfileForm({ user, onSaved }: { user: User; onSaved: (user: User) => void }) {
  const [displayName, setDisplayName] = useState(user.displayName);
  const [bio, setBio] = useState(user.bio);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const { t } = useTranslation();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const result = await api.updateMe({ displayName: displayName.trim(), bio });
      onSaved(result.user);
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <h2>{t('settings.profile')}</h2>
      <div className="field">
        <label htmlFor="displayName">{t('settings.displayName')}</label>
        <input
          id="displayName"
          value={displayName}
          onChange={(e) => {
            setDisplayName(e.target.value);
            setSaved(false);
          }}
          autoComplete="name"
          maxLength={50}
          required
        />
      </div>
      <div className="field">
        <label htmlFor="bio">{t('settings.bio')}</label>
        <textarea
          id="bio"
          value={bio}
          onChange={(e) => {
            setBio(e.target.value);
            setSaved(false);
          }}
          rows={3}
          maxLength={BIO_LIMIT}
          aria-describedby="bio-count"
        />
        <small id="bio-count" className="hint">
          {t('settings.charactersLeft', { count: BIO_LIMIT - bio.length })}
        </small>
      </div>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {t('common.save')}
        </button>
        <span className="muted" role="status">
          {saved ? t('common.saved') : ''}
        </span>
        <Link href={`/u/${user.handle}`}>{t('settings.viewProfile')}</Link>
      </div>
    </form>
  );
}

const EXPIRY_CHOICES = [
  { value: '', label: 'settings.tokens.never' },
  { value: '30', label: 'settings.tokens.in30' },
  { value: '90', label: 'settings.tokens.in90' },
  { value: '365', label: 'settings.tokens.inYear' },
] as const;

const day = (iso: string) => dayDate(iso, 'medium');

function TokenForm() {
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState('');
  const [token, setToken] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const tokens = useLoad('tokens', () => api.tokens());
  const announce = useAnnounce();
  const { t } = useTranslation();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setCopied(false);
    try {
      const result = await api.createToken({
        ...(name.trim() && { name: name.trim() }),
        ...(expiry && { expiresInDays: Number(expiry) }),
      });
      setToken(result.token);
      setName('');
      void tokens.reload(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(token: ApiToken) {
    setError(null);
    try {
      await api.revokeToken(token.id);
      void tokens.reload(true);
      announce(t('settings.tokens.revoked', { name: token.name }));
    } catch (e) {
      setError(e);
    }
  }

  async function copy() {
    if (!token) return;
    try {
      await navigator.clipboard.writeText(token);
      setCopied(true);
    } catch {
      setError(new Error(t('settings.tokens.copyFailed')));
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <h2>{t('settings.tokens.title')}</h2>
      <p className="muted">
        <Trans i18nKey="settings.tokens.intro" components={{ code: <code /> }} />
      </p>
      <div className="field">
        <label htmlFor="token-name">{t('settings.tokens.name')}</label>
        <input id="token-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={50} />
      </div>
      <div className="field">
        <label htmlFor="token-expiry">{t('settings.tokens.expires')}</label>
        <select id="token-expiry" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
          {EXPIRY_CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {t(c.label)}
            </option>
          ))}
        </select>
      </div>
      <ErrorNote error={error ?? tokens.error} />
      <div className="actions">
        <button type="submit" className="button secondary" disabled={busy}>
          {t('settings.tokens.create')}
        </button>
      </div>
      {token && (
        <div className="token-box">
          <label htmlFor="new-token">{t('settings.tokens.newToken')}</label>
          <p className="hint" id="token-hint">
            {t('settings.tokens.shownOnce')}
          </p>
          <div className="inline-row">
            <input
              id="new-token"
              readOnly
              value={token}
              aria-describedby="token-hint"
              onFocus={(e) => e.currentTarget.select()}
              className="mono"
            />
            <button type="button" className="button" onClick={copy}>
              {copied ? t('settings.tokens.copied') : t('settings.tokens.copy')}
            </button>
          </div>
        </div>
      )}
      <h3 id="tokens-heading">{t('settings.tokens.yours')}</h3>
      {tokens.data && tokens.data.items.length === 0 && <p className="muted">{t('settings.tokens.none')}</p>}
      {tokens.data && tokens.data.items.length > 0 && (
        <ul className="token-list" aria-labelledby="tokens-heading">
          {tokens.data.items.map((token) => (
            <li key={token.id}>
              <span>
                <strong>{token.name}</strong>
                <small className="muted">
                  {' '}
                  {t('settings.tokens.created', { date: day(token.createdAt) })} ·{' '}
                  {token.expiresAt
                    ? t('settings.tokens.expiresOn', { date: day(token.expiresAt) })
                    : t('settings.tokens.neverExpires')}
                </small>
              </span>
              <button
                type="button"
                className="button secondary small"
                onClick={() => void revoke(token)}
                aria-label={t('settings.tokens.revokeNamed', { name: token.name })}
              >
                {t('settings.tokens.revoke')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}

export function SettingsPage() {
  const { user, setUser } = useSession();
  const [, navigate] = useLocation();
  const announce = useAnnounce();
  const { t } = useTranslation();
  useTitle(t('settings.title'));
  const [error, setError] = useState<unknown>(null);

  if (user === undefined) return <Loading />;
  // Signed out, the language can still be chosen (it is kept on this device).
  if (!user)
    return (
      <>
        <SignInPrompt heading={t('settings.signIn')} />
        <LanguageSettings />
      </>
    );

  async function logout() {
    setError(null);
    try {
      await forgetPushOnLogout();
      await api.logout();
      setUser(null);
      navigate('/');
      announce(t('settings.loggedOut'));
    } catch (e) {
      setError(e);
    }
  }

  return (
    <>
      <h1 className="page-title">{t('settings.title')}</h1>
      <section className="card">
        <ProfileForm user={user} onSaved={setUser} />
        <AvatarUpload user={user} onSaved={setUser} />
      </section>
      <LanguageSettings />
      <NotificationSettings />
      <section className="card">
        <TokenForm />
      </section>
      <section className="card">
        <h2>{t('settings.reports.title')}</h2>
        <p className="muted">
          {t('settings.reports.intro')}
          {user.suspended && ` ${t('settings.reports.suspended')}`}
        </p>
        <Link href="/reports" className="button secondary">
          {t('settings.reports.link')}
        </Link>
      </section>
      <section className="card">
        <h2>{t('settings.earnings.title')}</h2>
        <p className="muted">{t('settings.earnings.intro')}</p>
        <Link href="/earnings" className="button secondary">
          {t('settings.earnings.link')}
        </Link>
      </section>
      <section className="card">
        <h2>{t('settings.account')}</h2>
        <p className="muted">{t('settings.signedInAs', { handle: user.handle })}</p>
        <ErrorNote error={error} />
        <button type="button" className="button danger-outline" onClick={logout}>
          {t('auth.logOut')}
        </button>
      </section>
    </>
  );
}
