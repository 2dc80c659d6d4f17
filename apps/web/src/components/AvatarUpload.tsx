import type { User } from '@earshot/protocol';
import { type ChangeEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { Avatar } from './Avatar';
import { ErrorNote } from './Status';

const TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const MAX_MB = 5;

/** The profile picture in Settings: choose a file (uploaded at once), or remove it for initials again. */
export function AvatarUpload({ user, onSaved }: { user: User; onSaved: (user: User) => void }) {
  const id = useId();
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  // A refused file: focus goes back to the field (enabled again) the error describes.
  useEffect(() => {
    if (error && !busy) input.current?.focus();
  }, [error, busy]);

  async function save(run: () => Promise<{ user: User }>, done: string) {
    setBusy(true);
    setError(null);
    setStatus('');
    try {
      onSaved((await run()).user);
      setStatus(done);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  }

  function chosen(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    // The server checks the bytes themselves; these two catch the obvious at once.
    if (!TYPES.includes(file.type)) {
      setError(new Error(t('avatar.wrongType', { name: file.name })));
      setStatus('');
      return;
    }
    if (file.size > MAX_MB * 1024 * 1024) {
      setError(new Error(t('avatar.tooLarge', { name: file.name, mb: MAX_MB })));
      setStatus('');
      return;
    }
    void save(() => api.uploadAvatar(file), t('avatar.saved'));
  }

  return (
    <div className="field avatar-upload">
      <label htmlFor={`${id}-file`}>{t('avatar.label')}</label>
      <div className="avatar-field">
        <Avatar handle={user.handle} displayName={user.displayName} size="lg" src={user.avatarUrl} />
        <input
          ref={input}
          id={`${id}-file`}
          type="file"
          accept={TYPES.join(',')}
          onChange={chosen}
          disabled={busy}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
          aria-invalid={error ? true : undefined}
        />
        {user.avatarUrl && (
          <button
            type="button"
            className="button small secondary"
            disabled={busy}
            onClick={() => void save(() => api.removeAvatar(), t('avatar.removed'))}
          >
            {t('avatar.remove')}
          </button>
        )}
      </div>
      <small id={`${id}-hint`} className="hint">
        {t('avatar.hint', { mb: MAX_MB })}
      </small>
      <div id={`${id}-error`}>
        <ErrorNote error={error} />
      </div>
      <span className="muted" role="status">
        {busy ? t('avatar.uploading') : status}
      </span>
    </div>
  );
}
