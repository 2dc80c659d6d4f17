import type { Profile } from '@earshot/protocol';
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { api, isNotFound, sameHandle } from '../api';
import { Avatar } from '../components/Avatar';
import { ComposePost } from '../components/ComposePost';
import { useConfirm } from '../components/ConfirmDialog';
import { PostList } from '../components/PostList';
import { ErrorNote, Loading, LoadMore } from '../components/Status';
import { UpcomingSpaces } from '../components/UpcomingSpaces';
import { useSession } from '../session';
import { useLoad } from '../use-load';
import { usePaged } from '../use-paged';
import { useTitle } from '../use-title';
import { NotFoundPage } from './NotFound';

function RelationButtons({ profile, onChange }: { profile: Profile; onChange: (p: Profile) => void }) {
  const [, navigate] = useLocation();
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function run(action: () => Promise<Profile>) {
    setBusy(true);
    setError(null);
    try {
      onChange(await action());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const [confirm, confirmDialog] = useConfirm();
  const toggleBlock = () => {
    const block = !profile.blocked;
    const onConfirm = () => void run(() => api.setBlock(profile.handle, block));
    confirm(
      block
        ? {
            title: t('profile.blockQuestion', { handle: profile.handle }),
            detail: t('profile.blockDetail'),
            confirmLabel: t('profile.block'),
            onConfirm,
          }
        : {
            title: t('profile.unblockQuestion', { handle: profile.handle }),
            confirmLabel: t('profile.unblock'),
            danger: false,
            onConfirm,
          },
    );
  };

  return (
    <>
      <div className="actions">
        <button
          type="button"
          className={profile.youFollow ? 'button secondary' : 'button'}
          disabled={busy}
          onClick={() => run(() => api.setFollow(profile.handle, !profile.youFollow))}
        >
          {profile.youFollow ? t('profile.unfollow') : t('profile.follow')}
        </button>
        <button type="button" className="button secondary" onClick={() => navigate(`/messages/${profile.handle}`)}>
          {t('messages.message')}
        </button>
        <button type="button" className="button danger-outline" disabled={busy} onClick={toggleBlock}>
          {profile.blocked ? t('profile.unblock') : t('profile.block')}
        </button>
      </div>
      <ErrorNote error={error} />
      {confirmDialog}
    </>
  );
}

export function ProfilePage({ handle }: { handle: string }) {
  const { user } = useSession();
  const { t } = useTranslation();
  const profile = useLoad(handle, () => api.profile(handle));
  const posts = usePaged(handle, (page) => api.userPosts(handle, page));
  useTitle(profile.data ? `${profile.data.displayName} (@${profile.data.handle})` : null);

  if (profile.state === 'loading') return <Loading />;
  if (profile.state === 'error') {
    if (isNotFound(profile.error)) return <NotFoundPage what="account" />;
    return <ErrorNote error={profile.error} />;
  }

  const p = profile.data;
  const own = !!user && sameHandle(user.handle, p.handle);

  return (
    <>
      <section className="card profile" aria-labelledby="profile-name">
        <div className="profile-head">
          <Avatar handle={p.handle} displayName={p.displayName} size="lg" src={p.avatarUrl} />
          <div className="profile-names">
            <h1 id="profile-name">{p.displayName}</h1>
            <p className="muted">
              @{p.handle}
              {p.followsYou && <span className="pill">{t('profile.followsYou')}</span>}
            </p>
          </div>
        </div>
        {p.bio && <p className="bio">{p.bio}</p>}
        <p className="counts">
          <Link href={`/u/${p.handle}/followers`}>
            <Trans i18nKey="profile.followers" count={p.followers} components={{ strong: <strong /> }} />
          </Link>
          <Link href={`/u/${p.handle}/following`}>
            <Trans i18nKey="profile.following" count={p.following} components={{ strong: <strong /> }} />
          </Link>
        </p>
        {p.blocked && <p className="notice">{t('profile.youBlocked', { handle: p.handle })}</p>}
        {p.blocksYou && <p className="notice">{t('profile.blocksYou', { handle: p.handle })}</p>}
        {own ? (
          <div className="actions">
            <Link href="/settings" className="button secondary">
              {t('profile.edit')}
            </Link>
          </div>
        ) : user ? (
          <RelationButtons profile={p} onChange={(next) => profile.setData(() => next)} />
        ) : (
          <p className="muted">
            <Trans i18nKey="profile.logInTo" values={{ handle: p.handle }} components={{ a: <Link href="/login" /> }} />
          </p>
        )}
      </section>

      {own && <ComposePost onPosted={(post) => posts.prepend(post)} />}

      <UpcomingSpaces host={p.handle} />
      <section className="section" aria-labelledby="posts-heading">
        <h2 id="posts-heading">{t('profile.posts')}</h2>
        {posts.state === 'loading' ? (
          <Loading label={t('profile.loadingPosts')} />
        ) : posts.state === 'error' ? (
          <ErrorNote error={posts.error} />
        ) : (
          <>
            <PostList posts={posts.items} empty={own ? t('profile.youHaveNoPosts') : t('profile.noPosts')} />
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
    </>
  );
}
