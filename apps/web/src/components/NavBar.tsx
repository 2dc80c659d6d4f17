import type { ReactNode } from 'react';
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
  const { user } = useSession();
  const { status, unreadNotifications } = useRealtime();
  const [location] = useLocation();
  const unreadLabel = unreadNotifications > 0 ? `, ${unreadNotifications} unread` : '';

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
            <Tab href="/notifications" label="Notifications" icon={<BellIcon />} extra={unreadLabel}>
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
            <Link href={`/u/${user.handle}`} className="me">
              <Avatar handle={user.handle} displayName={user.displayName} size="sm" />
              <span className="visually-hidden">Your profile (@{user.handle})</span>
            </Link>
          ) : (
            <>
              <Link href={withNext('/login', location)} className="button ghost small">
                Log in
              </Link>
              <Link href={withNext('/signup', location)} className="button small">
                Sign up
              </Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
