import type { Post } from '@earshot/protocol';
import { useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../api';
import { ComposePost } from '../components/ComposePost';
import { PostList } from '../components/PostList';
import { Bubbles, SpaceCard } from '../components/SpaceCard';
import { ErrorNote, Loading, LoadMore } from '../components/Status';
import { UpcomingSpaces } from '../components/UpcomingSpaces';
import { useSession } from '../session';
import { useLoad } from '../use-load';
import { usePaged } from '../use-paged';
import { useTitle } from '../use-title';

const REFRESH_MS = 30_000;

/** Refetches quietly every so often while the page is visible: listener counts and the list move. */
function useRefresh(reload: (quiet?: boolean) => Promise<void>) {
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void reload(true);
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
}

function LiveNow() {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 300);
    return () => clearTimeout(timer);
  }, [text]);
  const spaces = useLoad(`live:${q}`, () => api.liveSpaces(q).then((r) => r.items));
  useRefresh(spaces.reload);

  return (
    <section className="card live-now" aria-labelledby="live-now-heading">
      <div className="live-now-head">
        <h2 id="live-now-heading">
          <span className="live-dot" aria-hidden="true" /> {t('home.liveNow')}
        </h2>
        <Link href="/spaces/new" className="button small">
          {t('home.startSpace')}
        </Link>
      </div>
      <form className="space-search" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="space-search" className="visually-hidden">
          {t('home.searchLabel')}
        </label>
        <input
          id="space-search"
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('home.searchPlaceholder')}
          maxLength={100}
          autoComplete="off"
        />
      </form>
      {spaces.state === 'loading' ? (
        <Loading />
      ) : spaces.state === 'error' ? (
        <ErrorNote error={spaces.error} />
      ) : spaces.data.length === 0 ? (
        <p className="muted empty" role="status">
          {q ? t('home.noLiveMatch', { q }) : t('home.noLive')}
        </p>
      ) : (
        <ul className="space-list">
          {spaces.data.map((space) => (
            <SpaceCard key={space.id} space={space} />
          ))}
        </ul>
      )}
      <UpcomingSpaces q={q} />
    </section>
  );
}

/** Live Spaces of people the viewer follows; nothing at all when there are none (or on error). */
function FollowBubbles() {
  const bubbles = useLoad('bubbles', () => api.bubbles().then((r) => r.items));
  useRefresh(bubbles.reload);
  if (bubbles.state !== 'ready') return null;
  return <Bubbles spaces={bubbles.data} />;
}

/** Posts of the people you follow, newest first, a page at a time. */
function Timeline() {
  const { t } = useTranslation();
  const posts = usePaged('timeline', (page) => api.timeline(page));
  return (
    <section aria-labelledby="timeline-heading" className="section timeline">
      <h2 id="timeline-heading">{t('space.fromPeopleYouFollow')}</h2>
      {posts.state === 'loading' ? (
        <Loading />
      ) : posts.state === 'error' ? (
        <ErrorNote error={posts.error}>
          <button type="button" className="button small secondary" onClick={() => void posts.reload()}>
            {t('common.tryAgain')}
          </button>
        </ErrorNote>
      ) : (
        <>
          <PostList posts={posts.items} empty={t('home.timelineEmpty')} />
          <LoadMore
            hasMore={!!posts.nextCursor}
            loading={posts.loadingMore}
            error={posts.moreError}
            onClick={posts.loadMore}
            label={t('profile.morePosts')}
          />
        </>
      )}
    </section>
  );
}

function Welcome() {
  const { t } = useTranslation();
  return (
    <>
      <section className="hero">
        <h1>{t('home.heroTitle')}</h1>
        <p className="lead">{t('home.heroLead')}</p>
        <p className="actions">
          <Link href="/signup" className="button">
            {t('auth.signUp')}
          </Link>
          <Link href="/login" className="button secondary">
            {t('auth.logIn')}
          </Link>
        </p>
      </section>
      <LiveNow />
    </>
  );
}

export function HomePage() {
  const { t } = useTranslation();
  const { user } = useSession();
  useTitle(user ? t('home.title') : null);
  const [posted, setPosted] = useState<Post[]>([]);

  if (user === undefined) return <Loading />;
  if (!user) return <Welcome />;

  return (
    <>
      <h1 className="visually-hidden">{t('home.title')}</h1>
      <FollowBubbles />
      <p className="greeting">
        <Trans i18nKey="home.welcomeBack" values={{ name: user.displayName }} components={{ strong: <strong /> }} />
      </p>
      <LiveNow />
      <ComposePost onPosted={(post) => setPosted((list) => [post, ...list])} />
      {posted.length > 0 && (
        <section aria-labelledby="just-posted" className="section">
          <h2 id="just-posted">{t('home.justPosted')}</h2>
          <PostList posts={posted} empty="" />
        </section>
      )}
      <Timeline />
      <nav className="card quick-links" aria-label={t('home.shortcuts')}>
        <Link href={`/u/${user.handle}`}>{t('home.yourProfile')}</Link>
        <Link href="/settings">{t('settings.title')}</Link>
      </nav>
    </>
  );
}
