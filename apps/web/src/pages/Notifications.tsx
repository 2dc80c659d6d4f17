import type { Notification } from '@earshot/protocol';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useAnnounce } from '../announcer';
import { api } from '../api';
import { Avatar } from '../components/Avatar';
import { SignInPrompt } from '../components/SignInPrompt';
import { ErrorNote, Loading, LoadMore } from '../components/Status';
import { fullDate, notificationHref, notificationText, timeAgo } from '../format';
import { useRealtime, useServerMessages } from '../realtime';
import { useSession } from '../session';
import { usePaged } from '../use-paged';
import { useTitle } from '../use-title';

function NotificationItem({ n }: { n: Notification }) {
  const href = notificationHref(n);
  const text = notificationText(n);
  const body = (
    <>
      {n.actor ? (
        <Avatar handle={n.actor.handle} displayName={n.actor.displayName} size="sm" src={n.actor.avatarUrl} />
      ) : (
        <span className="avatar avatar-sm" aria-hidden="true" />
      )}
      <span className="notification-text">{text}</span>
      <time className="muted notification-time" dateTime={n.createdAt} title={fullDate(n.createdAt)}>
        {timeAgo(n.createdAt)}
      </time>
    </>
  );
  return (
    <li data-testid="notification" className={n.read ? 'notification' : 'notification unread'}>
      {href ? (
        <Link href={href} className="notification-row">
          {body}
        </Link>
      ) : (
        <div className="notification-row">{body}</div>
      )}
    </li>
  );
}

function Feed() {
  const { setUnreadNotifications } = useRealtime();
  const announce = useAnnounce();
  const { t } = useTranslation();

  const markRead = useCallback(() => {
    api
      .markNotificationsRead()
      .then(() => setUnreadNotifications(0))
      .catch(() => announce(t('notifications.markFailed'), 'error'));
  }, [setUnreadNotifications, announce, t]);

  // Mark all read once the first page is in, so its items still show which ones were new.
  const feed = usePaged(
    'notifications',
    (page) => api.notifications(page),
    (page) => {
      if (page.unread > 0 || page.items.some((n) => !n.read)) markRead();
      else setUnreadNotifications(0);
    },
  );

  useServerMessages((message) => {
    if (message.type === 'notification') {
      feed.prepend(message.notification);
      announce(notificationText(message.notification));
      markRead();
    } else if (message.type === 'hello') {
      void feed.reload(true);
    }
  });

  if (feed.state === 'loading') return <Loading />;
  if (feed.state === 'error') return <ErrorNote error={feed.error} />;
  if (feed.items.length === 0) return <p className="muted empty">{t('notifications.none')}</p>;
  return (
    <>
      <ul className="notification-list">
        {feed.items.map((n) => (
          <NotificationItem key={n.id} n={n} />
        ))}
      </ul>
      <LoadMore hasMore={!!feed.nextCursor} loading={feed.loadingMore} error={feed.moreError} onClick={feed.loadMore} />
    </>
  );
}

export function NotificationsPage() {
  const { user } = useSession();
  const { t } = useTranslation();
  useTitle(t('notifications.title'));
  if (user === undefined) return <Loading />;
  if (!user) return <SignInPrompt heading={t('notifications.signIn')} />;
  return (
    <section className="card">
      <h1>{t('notifications.title')}</h1>
      <Feed />
    </section>
  );
}
