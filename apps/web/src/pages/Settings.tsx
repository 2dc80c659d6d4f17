import type { ApiToken, User } from '@earshot/protocol';
import { type FormEvent, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { useAnnounce } from '../announcer';
import { api } from '../api';
import { AvatarUpload } from '../components/AvatarUpload';
import { SignInPrompt } from '../components/SignInPrompt';
import { ErrorNote, Loading } from '../components/Status';
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
      <h2>Profile</h2>
      <div className="field">
        <label htmlFor="displayName">Display name</label>
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
        <label htmlFor="bio">Bio</label>
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
          {BIO_LIMIT - bio.length} characters left
        </small>
      </div>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          Save
        </button>
        <span className="muted" role="status">
          {saved ? 'Saved.' : ''}
        </span>
        <Link href={`/u/${user.handle}`}>View profile</Link>
      </div>
    </form>
  );
}

const EXPIRY_CHOICES = [
  { value: '', label: 'Never (until revoked)' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In a year' },
];

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });

function TokenForm() {
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState('');
  const [token, setToken] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const tokens = useLoad('tokens', () => api.tokens());
  const announce = useAnnounce();

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

  async function revoke(t: ApiToken) {
    setError(null);
    try {
      await api.revokeToken(t.id);
      void tokens.reload(true);
      announce(`Token “${t.name}” revoked.`);
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
      setError(new Error('Could not copy. Select the token and copy it yourself.'));
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <h2>Personal API tokens</h2>
      <p className="muted">
        Bots and other apps can act as you with a token, sent as <code>Authorization: Bearer …</code>. Logging out does
        not end your tokens: revoke the ones you no longer use.
      </p>
      <div className="field">
        <label htmlFor="token-name">Token name (optional)</label>
        <input id="token-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={50} />
      </div>
      <div className="field">
        <label htmlFor="token-expiry">Expires</label>
        <select id="token-expiry" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
          {EXPIRY_CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      <ErrorNote error={error ?? tokens.error} />
      <div className="actions">
        <button type="submit" className="button secondary" disabled={busy}>
          Create token
        </button>
      </div>
      {token && (
        <div className="token-box">
          <label htmlFor="new-token">Your new token</label>
          <p className="hint" id="token-hint">
            Copy it now: it is shown only once.
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
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        </div>
      )}
      <h3 id="tokens-heading">Your tokens</h3>
      {tokens.data && tokens.data.items.length === 0 && <p className="muted">You have no tokens.</p>}
      {tokens.data && tokens.data.items.length > 0 && (
        <ul className="token-list" aria-labelledby="tokens-heading">
          {tokens.data.items.map((t) => (
            <li key={t.id}>
              <span>
                <strong>{t.name}</strong>
                <small className="muted">
                  {' '}
                  created {day(t.createdAt)} · {t.expiresAt ? `expires ${day(t.expiresAt)}` : 'never expires'}
                </small>
              </span>
              <button
                type="button"
                className="button secondary small"
                onClick={() => void revoke(t)}
                aria-label={`Revoke ${t.name}`}
              >
                Revoke
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
  useTitle('Settings');
  const [error, setError] = useState<unknown>(null);

  if (user === undefined) return <Loading />;
  if (!user) return <SignInPrompt what="your settings" />;

  async function logout() {
    setError(null);
    try {
      await forgetPushOnLogout();
      await api.logout();
      setUser(null);
      navigate('/');
      announce('You are logged out.');
    } catch (e) {
      setError(e);
    }
  }

  return (
    <>
      <h1 className="page-title">Settings</h1>
      <section className="card">
        <ProfileForm user={user} onSaved={setUser} />
        <AvatarUpload user={user} onSaved={setUser} />
      </section>
      <NotificationSettings />
      <section className="card">
        <TokenForm />
      </section>
      <section className="card">
        <h2>Reports and appeals</h2>
        <p className="muted">
          Decisions by moderators about you or your Spaces, and your appeals.
          {user.suspended && ' Your account is suspended.'}
        </p>
        <Link href="/reports" className="button secondary">
          See reports and appeal
        </Link>
      </section>
      <section className="card">
        <h2>Tickets and earnings</h2>
        <p className="muted">What your ticketed Spaces earned, per Space and in all.</p>
        <Link href="/earnings" className="button secondary">
          See earnings
        </Link>
      </section>
      <section className="card">
        <h2>Account</h2>
        <p className="muted">Signed in as @{user.handle}.</p>
        <ErrorNote error={error} />
        <button type="button" className="button danger-outline" onClick={logout}>
          Log out
        </button>
      </section>
    </>
  );
}
