import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useRealtime } from '../realtime';
import { useSession } from '../session';
import { Avatar } from './Avatar';
import { BellIcon, HomeIcon, LogoMark, MessagesIcon, ShieldIcon } from './Icons';

function Tab({
  href,
  label,
  icon,
  ariaLabel,
  children,
}: {
  href: string;
  label: string;
  icon: ReactNode;
  ariaLabel?: string;
  children?: ReactNode;
}) {
  const [location] = useLocation();
  const active = href === '/' ? location === '/' : location === href || location.startsWith(`${href}/`);
  return (
    <Link href={href} className="tab" aria-current={active ? 'page' : undefined} aria-label={ariaLabel}>
      <span className="tab-icon">
        {icon}
        {children}
      </span>
      <span className="tab-label">{label}</span>
    </Link>
  );
}

function UnreadBadge({ count }: { count: number }) {
  return (
    <span className="badge" data-testid="unread-badge" hidden={count === 0}>
      {count > 99 ? '99+' : count}
    </span>
  );
}

export function NavBar() {
  const { user } = useSession();
  const { status, unreadNotifications } = useRealtime();
  const unreadLabel = unreadNotifications > 0 ? `Notifications, ${unreadNotifications} unread` : 'Notifications';

  return (
    <header className="topbar">
      <div className="topbar-inner">
        <Link href="/" className="logo" aria-label="Earshot home">
          <LogoMark />
          <span className="logo-text">Earshot</span>
        </Link>

        {user && (
          <nav className="tabs" aria-label="Main">
            <Tab href="/" label="Home" icon={<HomeIcon />} />
            <Tab href="/messages" label="Messages" icon={<MessagesIcon />} />
            <Tab href="/notifications" label="Notifications" icon={<BellIcon />} ariaLabel={unreadLabel}>
              <UnreadBadge count={unreadNotifications} />
            </Tab>
            {user.moderator && <Tab href="/moderation" label="Moderation" icon={<ShieldIcon />} />}
          </nav>
        )}

        <div className="account">
          {status === 'reconnecting' && (
            <span className="reconnecting" role="status">
              <span className="dot" aria-hidden="true" />
              Reconnecting…
            </span>
          )}
          {user === undefined ? null : user ? (
            <Link href={`/u/${user.handle}`} className="me" aria-label={`Your profile (@${user.handle})`}>
              <Avatar handle={user.handle} displayName={user.displayName} size="sm" />
            </Link>
          ) : (
            <>
              <Link href="/login" className="button ghost small">
                Log in
              </Link>
              <Link href="/signup" className="button small">
                Sign up
              </Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
