import type { Post } from '@earshot/protocol';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { fullDate, timeAgo } from '../format';
import { Avatar } from './Avatar';

export function PostItem({ post }: { post: Post }) {
  const { author } = post;
  const { t } = useTranslation();
  return (
    <article className="post" aria-label={t('posts.by', { name: author.displayName })}>
      <Link href={`/u/${author.handle}`} className="post-avatar" tabIndex={-1} aria-hidden="true">
        <Avatar handle={author.handle} displayName={author.displayName} size="sm" src={author.avatarUrl} />
      </Link>
      <div className="post-body">
        <header className="post-meta">
          <Link href={`/u/${author.handle}`} className="name">
            {author.displayName}
          </Link>
          <span className="muted">@{author.handle}</span>
          <span className="muted" aria-hidden="true">
            ·
          </span>
          <Link href={`/posts/${post.id}`} className="muted">
            <time dateTime={post.createdAt} title={fullDate(post.createdAt)}>
              {timeAgo(post.createdAt)}
            </time>
          </Link>
        </header>
        <p className="post-text">{post.text}</p>
      </div>
    </article>
  );
}

export function PostList({ posts, empty }: { posts: Post[]; empty: string }) {
  if (posts.length === 0) return <p className="muted empty">{empty}</p>;
  return (
    <ul className="post-list">
      {posts.map((post) => (
        <li key={post.id}>
          <PostItem post={post} />
        </li>
      ))}
    </ul>
  );
}
