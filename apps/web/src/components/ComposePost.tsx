import type { Post } from '@earshot/protocol';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { ErrorNote } from './Status';

export const POST_LIMIT = 280;

/** The "new post" box with a live character counter. */
export function ComposePost({ onPosted }: { onPosted: (post: Post) => void }) {
  const id = useId();
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const left = POST_LIMIT - text.length;
  const canPost = text.trim().length > 0 && left >= 0 && !busy;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!canPost) return;
    setBusy(true);
    setError(null);
    try {
      const { post } = await api.createPost(text.trim());
      setText('');
      onPosted(post);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card compose" onSubmit={submit}>
      <label htmlFor={`${id}-text`}>{t('posts.new')}</label>
      <textarea
        id={`${id}-text`}
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={t('posts.placeholder')}
        rows={3}
        aria-describedby={`${id}-count`}
      />
      <div className="compose-footer">
        <span id={`${id}-count`} className={left < 0 ? 'counter over' : left <= 20 ? 'counter near' : 'counter'}>
          {left < 0 ? t('posts.over', { count: -left }) : t('settings.charactersLeft', { count: left })}
        </span>
        <button type="submit" className="button" disabled={!canPost}>
          {busy ? t('posts.posting') : t('posts.post')}
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}
