import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { withNext } from '../next-path';
import { useRealtime } from '../realtime';
import { useSession } from '../session';
import { Avatar } from './Avatar';
import { BellIcon, HomeIcon, LogoMark, MessagesIcon, ShieldIcon } from './Icons';

function Tab({
  href,
  label,
  icon,
  extra,
  children,
}: {
  href: string;
  label: string;
  icon: ReactNode;
  /** Words for screen readers after the label (the unread count); no aria-label, so the name starts with what is seen. */
  extra?: string;
  children?: ReactNode;
}) {
  const [location] = useLocation();
  const active = href === '/' ? location === '/' : location === href || location.startsWith(`${href}/`);
  return (
    <Link href={href} className="tab" aria-current={active ? 'page' : undefined}>
      <span className="tab-icon">
        {icon}
        {children}
      </span>
      {extra ? (
        // One run of text for screen readers: a hidden span inside the label would be read "Notifications , 1 unread".
        <span className="tab-label">
          <span aria-hidden="true">{label}</span>
          <span className="visually-hidden">{`${label}${extra}`}</span>
        </span>
      ) : (
        <span className="tab-label">{label}</span>
      )}
    </Link>
  );
}

function UnreadBadge({ count }: { count: number }) {
  return (
    <span className="badge" data-testid="unread-badge" hidden={count === 0} aria-hidden="true">
      {count > 99 ? '99+' : count}
    </span>
  );
}

export function NavBar() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { status, unreadNotifications } = useRealtime();
  const [location] = useLocation();
  const unreadLabel = unreadNotifications > 0 ? `, ${t('messages.unread', { count: unreadNotifications })}` : '';

  return (
    <header className="topbar">
      <div className="topbar-inner">
        <Link href="/" className="logo" aria-label={t('nav.home')}>
          <LogoMark />
          <span className="logo-text">Earshot</span>
        </Link>

        {user && (
          <nav className="tabs" aria-label={t('nav.main')}>
            <Tab href="/" label={t('home.title')} icon={<HomeIcon />} />
            <Tab href="/messages" label={t('messages.title')} icon={<MessagesIcon />} />
            <Tab href="/notifications" label={t('notifications.title')} icon={<BellIcon />} extra={unreadLabel}>
              <UnreadBadge count={unreadNotifications} />
            </Tab>
            {user.moderator && <Tab href="/moderation" label={t('moderation.title')} icon={<ShieldIcon />} />}
          </nav>
        )}

        <div className="account">
          {status === 'reconnecting' && (
            <span className="reconnecting" role="status">
              <span className="dot" aria-hidden="true" />
              {t('room.reconnecting')}
            </span>
          )}
          {user === undefined ? null : user ? (
            <Link href={`/u/${user.handle}`} className="me">
              <Avatar handle={user.handle} displayName={user.displayName} size="sm" src={user.avatarUrl} />
              <span className="visually-hidden">{t('nav.profile', { handle: user.handle })}</span>
            </Link>
          ) : (
            <>
              <Link href={withNext('/login', location)} className="button ghost small">
                {t('auth.logIn')}
              </Link>
              <Link href={withNext('/signup', location)} className="button small">
                {t('auth.signUp')}
              </Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
