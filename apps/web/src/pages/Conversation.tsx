import type { Message, MessageAction } from '@earshot/protocol';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { api, isNotFound, sameHandle } from '../api';
import { Avatar } from '../components/Avatar';
import { SignInPrompt } from '../components/SignInPrompt';
import { ErrorNote, Loading, LoadMore } from '../components/Status';
import { fullDate, timeAgo } from '../format';
import { useServerMessages } from '../realtime';
import { useSession } from '../session';
import { useLoad } from '../use-load';
import { usePaged } from '../use-paged';
import { useTitle } from '../use-title';
import { NotFoundPage } from './NotFound';

/** The buttons of a message that carries an invitation to speak in a Space. */
function InviteAction({ action, mine }: { action: MessageAction; mine: boolean }) {
  const [, navigate] = useLocation();
  const [busy, setBusy] = useState(false);
  const [declined, setDeclined] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const href = `/spaces/${action.spaceId}`;
  const { t } = useTranslation();
  const invitation = action.role === 'cohost' ? t('messages.inviteCohost') : t('messages.inviteSpeak');

  async function answer(accept: boolean) {
    setBusy(true);
    setError(null);
    try {
      await api.spaceCommand(action.spaceId, accept ? 'accept-invite' : 'decline-invite', {});
      if (accept) navigate(href);
      else setDeclined(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (mine) {
    return (
      <p className="bubble-action">
        {invitation} · <Link href={href}>{t('messages.openSpace')}</Link>
      </p>
    );
  }
  return (
    <div className="bubble-action" data-testid="space-invite">
      {declined ? (
        <span role="status">{t('messages.declined')}</span>
      ) : (
        <span className="actions">
          <button type="button" className="button small" disabled={busy} onClick={() => answer(true)}>
            {t('messages.accept')}
          </button>
          <button type="button" className="button secondary small" disabled={busy} onClick={() => answer(false)}>
            {t('messages.decline')}
          </button>
          <Link href={href}>{t('messages.openSpace')}</Link>
        </span>
      )}
      <ErrorNote error={error} />
    </div>
  );
}

function Bubble({ message, mine }: { message: Message; mine: boolean }) {
  const { t } = useTranslation();
  return (
    <li className={mine ? 'bubble-row mine' : 'bubble-row'}>
      <div className="bubble" data-testid="message">
        <span className="visually-hidden">{mine ? t('messages.you') : message.from.displayName}: </span>
        <p className="bubble-text">{message.text}</p>
        {message.action?.kind === 'space_invite' && <InviteAction action={message.action} mine={mine} />}
        <time dateTime={message.createdAt} title={fullDate(message.createdAt)}>
          {timeAgo(message.createdAt)}
        </time>
      </div>
    </li>
  );
}

/** Unsent text per conversation: it outlives the composer (a session re-check remounts the page, and leaving it). */
const drafts = new Map<string, string>();

function Composer({ handle, onSent }: { handle: string; onSent: (message: Message) => void }) {
  const { t } = useTranslation();
  const [text, setDraft] = useState(() => drafts.get(handle) ?? '');
  const setText = (value: string) => {
    if (value) drafts.set(handle, value);
    else drafts.delete(handle);
    setDraft(value);
  };
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    setError(null);
    try {
      const { message } = await api.sendMessage(handle, body);
      setText('');
      onSent(message);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="composer" onSubmit={submit}>
      <ErrorNote error={error} />
      <div className="composer-row">
        <label htmlFor="dm-text" className="visually-hidden">
          {t('messages.message')}
        </label>
        <input
          id="dm-text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('messages.placeholder', { handle })}
          autoComplete="off"
          maxLength={2000}
        />
        <button type="submit" className="button" disabled={busy || !text.trim()}>
          {t('messages.send')}
        </button>
      </div>
    </form>
  );
}

function Thread({ handle, myId }: { handle: string; myId: string }) {
  const other = useLoad(handle, () => api.profile(handle));
  const messages = usePaged(handle, (page) => api.messages(handle, page));
  const bottom = useRef<HTMLDivElement>(null);
  const { t } = useTranslation();
  useTitle(other.data ? t('messages.with', { name: other.data.displayName }) : t('messages.title'));

  const belongsHere = (m: Message) =>
    (m.from.id === myId && sameHandle(m.to.handle, handle)) || (m.to.id === myId && sameHandle(m.from.handle, handle));

  useServerMessages((event) => {
    if (event.type === 'dm' && belongsHere(event.message)) {
      messages.prepend(event.message);
      // Seen while open: let the server mark it read.
      if (event.message.from.id !== myId) void api.messages(handle, { limit: 1 }).catch(() => {});
    } else if (event.type === 'hello') {
      // Reconnected: pick up anything sent while the socket was down.
      void messages.reload(true);
    }
  });

  const newestId = messages.items[0]?.id;
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [newestId]);

  if (other.state === 'loading') return <Loading />;
  if (other.state === 'error') {
    if (isNotFound(other.error)) return <NotFoundPage what="account" />;
    return <ErrorNote error={other.error} />;
  }
  const person = other.data;
  const ordered = [...messages.items].reverse();

  return (
    <section className="card conversation-page">
      <header className="thread-head">
        <Link href="/messages" className="back-link" aria-label={t('messages.back')}>
          ←
        </Link>
        <Avatar handle={person.handle} displayName={person.displayName} size="sm" src={person.avatarUrl} />
        <h1>
          <Link href={`/u/${person.handle}`}>{person.displayName}</Link> <span className="muted">@{person.handle}</span>
        </h1>
      </header>

      {messages.state === 'loading' ? (
        <Loading />
      ) : messages.state === 'error' ? (
        <ErrorNote error={messages.error} />
      ) : (
        // The log is the scrolling box; the messages stay a list.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus, or the keyboard cannot scroll it.
        <div className="thread" role="log" aria-label={t('messages.conversation')} tabIndex={0}>
          <LoadMore
            hasMore={!!messages.nextCursor}
            loading={messages.loadingMore}
            error={messages.moreError}
            onClick={messages.loadMore}
            label={t('messages.older')}
          />
          {ordered.length === 0 ? (
            <p className="muted empty">{t('messages.none')}</p>
          ) : (
            <ol className="bubbles">
              {ordered.map((m) => (
                <Bubble key={m.id} message={m} mine={m.from.id === myId} />
              ))}
            </ol>
          )}
          <div ref={bottom} />
        </div>
      )}

      <Composer handle={person.handle} onSent={(m) => messages.prepend(m)} />
    </section>
  );
}

export function ConversationPage({ handle }: { handle: string }) {
  const { user } = useSession();
  const { t } = useTranslation();
  if (user === undefined) return <Loading />;
  if (!user) return <SignInPrompt heading={t('messages.signIn')} />;
  return <Thread handle={handle} myId={user.id} />;
}
