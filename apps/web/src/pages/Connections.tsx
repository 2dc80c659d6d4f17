import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, isNotFound } from '../api';
import { ErrorNote, Loading, LoadMore } from '../components/Status';
import { UserList } from '../components/UserList';
import { usePaged } from '../use-paged';
import { useTitle } from '../use-title';
import { NotFoundPage } from './NotFound';

/** Followers or following of one account. */
export function ConnectionsPage({ handle, kind }: { handle: string; kind: 'followers' | 'following' }) {
  const list = usePaged(`${handle}/${kind}`, (page) =>
    kind === 'followers' ? api.followers(handle, page) : api.following(handle, page),
  );
  const { t } = useTranslation();
  const title =
    kind === 'followers' ? t('connections.followersTitle', { handle }) : t('connections.followingTitle', { handle });
  useTitle(title);

  if (list.state === 'error' && isNotFound(list.error)) return <NotFoundPage what="account" />;

  return (
    <section className="card">
      <p className="back">
        <Link href={`/u/${handle}`}>← @{handle}</Link>
      </p>
      <h1>{title}</h1>
      <nav className="subtabs" aria-label={t('connections.label')}>
        <Link href={`/u/${handle}/followers`} aria-current={kind === 'followers' ? 'page' : undefined}>
          {t('connections.followers')}
        </Link>
        <Link href={`/u/${handle}/following`} aria-current={kind === 'following' ? 'page' : undefined}>
          {t('connections.following')}
        </Link>
      </nav>
      {list.state === 'loading' ? (
        <Loading />
      ) : list.state === 'error' ? (
        <ErrorNote error={list.error} />
      ) : (
        <>
          <UserList
            users={list.items}
            empty={kind === 'followers' ? t('connections.noFollowers') : t('connections.noFollowing')}
          />
          <LoadMore
            hasMore={!!list.nextCursor}
            loading={list.loadingMore}
            error={list.moreError}
            onClick={list.loadMore}
          />
        </>
      )}
    </section>
  );
}
