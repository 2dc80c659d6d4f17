import { useEffect } from 'react';
import { Route, Switch, useLocation } from 'wouter';
import { AnnouncerProvider, useAnnounce } from './announcer';
import { sameHandle } from './api';
import { NavBar } from './components/NavBar';
import { notificationText } from './format';
import { LoginPage, SignupPage } from './pages/Auth';
import { ConnectionsPage } from './pages/Connections';
import { ConversationPage } from './pages/Conversation';
import { HomePage } from './pages/Home';
import { InboxPage } from './pages/Inbox';
import { NewSpacePage } from './pages/NewSpace';
import { NotFoundPage } from './pages/NotFound';
import { NotificationsPage } from './pages/Notifications';
import { PostPage } from './pages/PostPage';
import { ProfilePage } from './pages/Profile';
import { SettingsPage } from './pages/Settings';
import { SpaceRoomPage } from './pages/SpaceRoom';
import { RealtimeProvider, useServerMessages } from './realtime';
import { SessionProvider } from './session';

/** Announces pushed notifications, except the ones the current page already shows. */
function LiveNotifier() {
  const announce = useAnnounce();
  const [location] = useLocation();
  useServerMessages((message) => {
    if (message.type !== 'notification') return;
    const { notification } = message;
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

/** Each new page starts at the top. */
function ScrollToTop() {
  const [location] = useLocation();
  useEffect(() => {
    window.scrollTo(0, 0);
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
      <Route path="/spaces/new" component={NewSpacePage} />
      <Route path="/spaces/:id">{(params) => <SpaceRoomPage key={params.id} id={params.id} />}</Route>
      <Route>{() => <NotFoundPage />}</Route>
    </Switch>
  );
}

export function App() {
  return (
    <SessionProvider>
      <RealtimeProvider>
        <AnnouncerProvider>
          <a className="skip-link" href="#main">
            Skip to content
          </a>
          <NavBar />
          <main id="main" className="page" tabIndex={-1}>
            <Routes />
          </main>
          <LiveNotifier />
          <ScrollToTop />
        </AnnouncerProvider>
      </RealtimeProvider>
    </SessionProvider>
  );
}
