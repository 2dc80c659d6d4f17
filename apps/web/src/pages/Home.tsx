import type { Post } from '@earshot/protocol';
import { useState } from 'react';
import { Link } from 'wouter';
import { ComposePost } from '../components/ComposePost';
import { PostList } from '../components/PostList';
import { Loading } from '../components/Status';
import { useSession } from '../session';
import { useTitle } from '../use-title';

function LiveNow() {
  return (
    <section className="card live-now" aria-labelledby="live-now-heading">
      <h2 id="live-now-heading">
        <span className="live-dot" aria-hidden="true" /> Live now
      </h2>
      {/* Spaces arrive in a later release: this section lists live Spaces then. */}
      <p className="muted empty">No live Spaces yet.</p>
    </section>
  );
}

function Welcome() {
  return (
    <>
      <section className="hero">
        <h1>Earshot — live audio Spaces</h1>
        <p className="lead">
          Host a room, bring a few speakers on stage, and let anyone listen in real time. Open source and yours to run.
        </p>
        <p className="actions">
          <Link href="/signup" className="button">
            Sign up
          </Link>
          <Link href="/login" className="button secondary">
            Log in
          </Link>
        </p>
      </section>
      <LiveNow />
    </>
  );
}

export function HomePage() {
  const { user } = useSession();
  useTitle(user ? 'Home' : null);
  const [posted, setPosted] = useState<Post[]>([]);

  if (user === undefined) return <Loading />;
  if (!user) return <Welcome />;

  return (
    <>
      <h1 className="visually-hidden">Home</h1>
      <p className="greeting">
        Welcome back, <strong>{user.displayName}</strong>.
      </p>
      <ComposePost onPosted={(post) => setPosted((list) => [post, ...list])} />
      {posted.length > 0 && (
        <section aria-labelledby="just-posted" className="section">
          <h2 id="just-posted">Just posted</h2>
          <PostList posts={posted} empty="" />
        </section>
      )}
      <LiveNow />
      <nav className="card quick-links" aria-label="Shortcuts">
        <Link href={`/u/${user.handle}`}>Your profile</Link>
        <Link href="/settings">Settings</Link>
      </nav>
    </>
  );
}
