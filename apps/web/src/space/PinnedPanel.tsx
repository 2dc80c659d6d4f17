import type { Post, User } from '@earshot/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { PostItem } from '../components/PostList';
import { ErrorNote } from '../components/Status';
import { useLoad } from '../use-load';
import type { Run } from './types';

/** "https://…/posts/abc" or "abc" → "abc". */
function postIdFrom(text: string): string {
  const trimmed = text.trim();
  const match = /\/posts\/([^/?#\s]+)/.exec(trimmed);
  return match?.[1] ? decodeURIComponent(match[1]) : trimmed;
}

function PinForm({ me, run, pinned }: { me: User; run: Run; pinned: Post[] }) {
  const { t } = useTranslation();
  const posts = useLoad(`pin:${me.handle}`, () => api.userPosts(me.handle, { limit: 10 }).then((p) => p.items));
  const [choice, setChoice] = useState('');
  const [link, setLink] = useState('');
  const [busy, setBusy] = useState(false);
  const [pinError, setPinError] = useState<unknown>(null);
  const options = (posts.data ?? []).filter((p) => !pinned.some((q) => q.id === p.id));
  const postId = link.trim() ? postIdFrom(link) : choice;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!postId) return;
    setBusy(true);
    if (await run('pin', { postId }, t('room.pin.pinned'), setPinError)) {
      setChoice('');
      setLink('');
    }
    setBusy(false);
  };

  return (
    <form className="room-form pin-form" onSubmit={submit}>
      <h3>{t('room.pin.title')}</h3>
      <ErrorNote error={pinError} />
      <div className="field">
        <label htmlFor="pin-choice">{t('room.pin.recent')}</label>
        <select
          id="pin-choice"
          value={choice}
          onChange={(e) => setChoice(e.target.value)}
          disabled={posts.state !== 'ready' || options.length === 0}
        >
          <option value="">
            {posts.state === 'loading'
              ? t('common.loading')
              : options.length === 0
                ? t('room.pin.noPosts')
                : t('room.pin.choose')}
          </option>
          {options.map((p) => (
            <option key={p.id} value={p.id}>
              {p.text.length > 60 ? `${p.text.slice(0, 59)}…` : p.text}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="pin-link">{t('room.pin.link')}</label>
        <input
          id="pin-link"
          value={link}
          onChange={(e) => setLink(e.target.value)}
          placeholder="https://…/posts/…"
          autoComplete="off"
        />
      </div>
      <div className="actions">
        <button type="submit" className="button secondary small" disabled={busy || !postId}>
          {t('room.pin.submit')}
        </button>
      </div>
    </form>
  );
}

/** Posts the hosts shared into the room; hosts also pin and unpin here. */
export function PinnedPanel({
  pinned,
  me,
  canPin,
  busy,
  run,
}: {
  pinned: Post[];
  me: User | null;
  canPin: boolean;
  busy: boolean;
  run: Run;
}) {
  const { t } = useTranslation();
  return (
    <section className="card room-panel" aria-labelledby="pinned-heading">
      <h2 id="pinned-heading">{t('room.pin.heading')}</h2>
      {pinned.length === 0 ? (
        <p className="muted">{t('room.pin.none')}</p>
      ) : (
        <ul className="pinned-list">
          {pinned.map((post) => (
            <li key={post.id} className="pinned" data-testid="pinned-post">
              <PostItem post={post} />
              {canPin && (
                <button
                  type="button"
                  className="button ghost small"
                  aria-label={t('room.pin.unpinLabel', { name: post.author.displayName })}
                  disabled={busy}
                  onClick={() => run('unpin', { postId: post.id })}
                >
                  {t('room.pin.unpin')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canPin && me && <PinForm me={me} run={run} pinned={pinned} />}
    </section>
  );
}
