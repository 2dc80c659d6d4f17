import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { api } from '../api';
import { Avatar } from '../components/Avatar';
import { SignInPrompt } from '../components/SignInPrompt';
import { ErrorNote, Loading } from '../components/Status';
import { fullDate, timeAgo } from '../format';
import { useServerMessages } from '../realtime';
import { useSession } from '../session';
import { useLoad } from '../use-load';
import { useTitle } from '../use-title';

function NewConversation() {
  const [, navigate] = useLocation();
  const [to, setTo] = useState('');
  const { t } = useTranslation();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const handle = to.trim().replace(/^@/, '');
    if (handle) navigate(`/messages/${encodeURIComponent(handle)}`);
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label htmlFor="new-dm">{t('messages.newTo')}</label>
      <div className="inline-row">
        <input
          id="new-dm"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          placeholder={t('messages.handlePlaceholder')}
          autoCapitalize="none"
          spellCheck={false}
        />
        <button type="submit" className="button secondary" disabled={!to.trim()}>
          {t('messages.open')}
        </button>
      </div>
    </form>
  );
}

function Inbox({ myId }: { myId: string }) {
  const { t } = useTranslation();
  const conversations = useLoad('inbox', () => api.conversations().then((r) => r.items));
  // A pushed DM changes order, previews and unread counts: refetch quietly.
  useServerMessages((message) => {
    if (message.type === 'dm' || message.type === 'hello') void conversations.reload(true);
  });

  if (conversations.state === 'loading') return <Loading />;
  if (conversations.state === 'error') return <ErrorNote error={conversations.error} />;
  if (conversations.data.length === 0) {
    return <p className="muted empty">{t('messages.noConversations')}</p>;
  }
  return (
    <ul className="conversation-list">
      {conversations.data.map((c) => {
        const mine = c.lastMessage.from.id === myId;
        return (
          <li key={c.with.id} data-testid="conversation">
            <Link href={`/messages/${c.with.handle}`} className={c.unread > 0 ? 'conversation unread' : 'conversation'}>
              <Avatar handle={c.with.handle} displayName={c.with.displayName} src={c.with.avatarUrl} />
              <span className="conversation-main">
                <span className="conversation-top">
                  <span className="name">{c.with.displayName}</span>
                  <span className="muted">@{c.with.handle}</span>
                  <time className="muted" dateTime={c.lastMessage.createdAt} title={fullDate(c.lastMessage.createdAt)}>
                    {timeAgo(c.lastMessage.createdAt)}
                  </time>
                </span>
                <span className="preview">
                  {mine ? `${t('messages.you')}: ` : ''}
                  {c.lastMessage.text}
                </span>
              </span>
              {c.unread > 0 && (
                <span className="badge" role="img" aria-label={t('messages.unread', { count: c.unread })}>
                  {c.unread}
                </span>
              )}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

export function InboxPage() {
  const { user } = useSession();
  const { t } = useTranslation();
  useTitle(t('messages.title'));
  if (user === undefined) return <Loading />;
  if (!user) return <SignInPrompt heading={t('messages.signIn')} />;
  return (
    <section className="card">
      <h1>{t('messages.title')}</h1>
      <NewConversation />
      <Inbox myId={user.id} />
    </section>
  );
}
