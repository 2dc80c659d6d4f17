import type { Message, MessageAction } from '@earshot/protocol';
import { type FormEvent, useEffect, useRef, useState } from 'react';
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
  const what = action.role === 'cohost' ? 'co-host' : 'speak';

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
        Invitation to {what} · <Link href={href}>Open Space</Link>
      </p>
    );
  }
  return (
    <div className="bubble-action" data-testid="space-invite">
      {declined ? (
        <span role="status">You declined.</span>
      ) : (
        <span className="actions">
          <button type="button" className="button small" disabled={busy} onClick={() => answer(true)}>
            Accept
          </button>
          <button type="button" className="button secondary small" disabled={busy} onClick={() => answer(false)}>
            Decline
          </button>
          <Link href={href}>Open Space</Link>
        </span>
      )}
      <ErrorNote error={error} />
    </div>
  );
}

function Bubble({ message, mine }: { message: Message; mine: boolean }) {
  return (
    <li className={mine ? 'bubble-row mine' : 'bubble-row'}>
      <div className="bubble" data-testid="message">
        <span className="visually-hidden">{mine ? 'You' : message.from.displayName}: </span>
        <p className="bubble-text">{message.text}</p>
        {message.action?.kind === 'space_invite' && <InviteAction action={message.action} mine={mine} />}
        <time dateTime={message.createdAt} title={fullDate(message.createdAt)}>
          {timeAgo(message.createdAt)}
        </time>
      </div>
    </li>
  );
}

function Composer({ handle, onSent }: { handle: string; onSent: (message: Message) => void }) {
  const [text, setText] = useState('');
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
          Message
        </label>
        <input
          id="dm-text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={`Message @${handle}`}
          autoComplete="off"
          maxLength={2000}
        />
        <button type="submit" className="button" disabled={busy || !text.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}

function Thread({ handle, myId }: { handle: string; myId: string }) {
  const other = useLoad(handle, () => api.profile(handle));
  const messages = usePaged(handle, (page) => api.messages(handle, page));
  const bottom = useRef<HTMLDivElement>(null);
  useTitle(other.data ? `Messages with ${other.data.displayName}` : 'Messages');

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
        <Link href="/messages" className="back-link" aria-label="Back to inbox">
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
        <div className="thread" role="log" aria-label="Conversation" tabIndex={0}>
          <LoadMore
            hasMore={!!messages.nextCursor}
            loading={messages.loadingMore}
            error={messages.moreError}
            onClick={messages.loadMore}
            label="Older"
          />
          {ordered.length === 0 ? (
            <p className="muted empty">No messages yet. Say hello!</p>
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
  if (user === undefined) return <Loading />;
  if (!user) return <SignInPrompt what="your messages" />;
  return <Thread handle={handle} myId={user.id} />;
}
