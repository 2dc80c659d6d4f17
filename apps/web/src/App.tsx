import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch, useLocation } from 'wouter';
import { AnnouncerProvider, useAnnounce } from './announcer';
import { sameHandle } from './api';
import { NavBar } from './components/NavBar';
import { notificationText } from './format';
import { LoginPage, SignupPage } from './pages/Auth';
import { ConnectionsPage } from './pages/Connections';
import { ConversationPage } from './pages/Conversation';
import { HomePage } from './pages/Home';
import { InboxPage } from './pages/Inbox';
import { ModerationPage, ModerationReportPage } from './pages/Moderation';
import { NewSpacePage } from './pages/NewSpace';
import { NotFoundPage } from './pages/NotFound';
import { NotificationsPage } from './pages/Notifications';
import { PostPage } from './pages/PostPage';
import { ProfilePage } from './pages/Profile';
import { ReportsPage } from './pages/Reports';
import { SettingsPage } from './pages/Settings';
import { SpaceRoomPage } from './pages/SpaceRoom';
import { RealtimeProvider, useServerMessages } from './realtime';
import { SessionProvider, useSession } from './session';
import { LiveRoomProvider } from './space/LiveRoom';
import { MiniPlayer } from './space/MiniPlayer';
import { EarningsPage } from './tickets/EarningsPage';

/** Announces pushed notifications, except the ones the current page already shows. */
function LiveNotifier() {
  const announce = useAnnounce();
  const [location] = useLocation();
  const { refresh } = useSession();
  useServerMessages((message) => {
    if (message.type !== 'notification') return;
    const { notification } = message;
    // A decision may suspend the account, or lift that: the banner follows.
    if (notification.kind === 'report_decided' || notification.kind === 'appeal_decided') void refresh();
    if (location === '/notifications') return;
    if (
      notification.kind === 'dm' &&
      notification.actor &&
      location.startsWith('/messages/') &&
      sameHandle(decodeURIComponent(location.slice('/messages/'.length)), notification.actor.handle)
    ) {
      return;
    }
    announce(notificationText(notification));
  });
  return null;
}

/** On every page while the account is suspended, with the way to appeal. */
function SuspendedBanner() {
  const { user } = useSession();
  const { t } = useTranslation();
  if (!user?.suspended) return null;
  return (
    <section className="suspended-banner" aria-label={t('suspended.label')} data-testid="suspended-banner">
      <p className="suspended-text">
        {t('suspended.text')}{' '}
        <Link href="/reports" className="suspended-link">
          {t('suspended.link')}
        </Link>
      </p>
    </section>
  );
}

/**
 * Each new page starts at the top, and focus moves to its heading (not <body>), so that a screen
 * reader says where we are and Tab starts from the page. A page still loading gets a moment.
 */
function PageFocus() {
  const [location] = useLocation();
  const first = useRef(true);
  useEffect(() => {
    window.scrollTo(0, 0);
    if (first.current) {
      first.current = false;
      return;
    }
    let tries = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const focusHeading = () => {
      const heading = document.querySelector<HTMLElement>('main h1');
      if (heading) {
        if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
        heading.focus({ preventScroll: true });
      } else if (tries++ < 20) timer = setTimeout(focusHeading, 100);
      else document.getElementById('main')?.focus({ preventScroll: true });
    };
    timer = setTimeout(focusHeading, 0);
    return () => clearTimeout(timer);
  }, [location]);
  return null;
}

function Routes() {
  return (
    <Switch>
      <Route path="/" component={HomePage} />
      <Route path="/signup" component={SignupPage} />
      <Route path="/login" component={LoginPage} />
      <Route path="/u/:handle/followers">
        {(params) => <ConnectionsPage key={`${params.handle}-followers`} handle={params.handle} kind="followers" />}
      </Route>
      <Route path="/u/:handle/following">
        {(params) => <ConnectionsPage key={`${params.handle}-following`} handle={params.handle} kind="following" />}
      </Route>
      <Route path="/u/:handle">{(params) => <ProfilePage key={params.handle} handle={params.handle} />}</Route>
      <Route path="/posts/:id">{(params) => <PostPage key={params.id} id={params.id} />}</Route>
      <Route path="/messages" component={InboxPage} />
      <Route path="/messages/:handle">
        {(params) => <ConversationPage key={params.handle} handle={params.handle} />}
      </Route>
      <Route path="/notifications" component={NotificationsPage} />
      <Route path="/settings" component={SettingsPage} />
      <Route path="/reports" component={ReportsPage} />
      <Route path="/moderation" component={ModerationPage} />
      <Route path="/moderation/reports/:id">
        {(params) => <ModerationReportPage key={params.id} id={params.id} />}
      </Route>
      <Route path="/spaces/new" component={NewSpacePage} />
      <Route path="/earnings" component={EarningsPage} />
      <Route path="/spaces/:id">{(params) => <SpaceRoomPage key={params.id} id={params.id} />}</Route>
      <Route>{() => <NotFoundPage />}</Route>
    </Switch>
  );
}

export function App() {
  // A language change renders the whole app again (dates and numbers are formatted outside hooks).
  const { t } = useTranslation();
  return (
    <SessionProvider>
      <RealtimeProvider>
        <AnnouncerProvider>
          <LiveRoomProvider>
            <a className="skip-link" href="#main">
              {t('common.skipToContent')}
            </a>
            <NavBar />
            <SuspendedBanner />
            <main id="main" className="page" tabIndex={-1}>
              <Routes />
            </main>
            <MiniPlayer />
            <LiveNotifier />
            <PageFocus />
          </LiveRoomProvider>
        </AnnouncerProvider>
      </RealtimeProvider>
    </SessionProvider>
  );
}
