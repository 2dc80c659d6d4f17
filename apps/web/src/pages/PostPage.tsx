import { useTranslation } from 'react-i18next';
import { api, isNotFound } from '../api';
import { PostItem } from '../components/PostList';
import { ErrorNote, Loading } from '../components/Status';
import { useLoad } from '../use-load';
import { useTitle } from '../use-title';
import { NotFoundPage } from './NotFound';

export function PostPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const post = useLoad(id, () => api.post(id).then((r) => r.post));
  useTitle(post.data ? t('posts.by', { name: post.data.author.displayName }) : t('posts.title'));
  if (post.state === 'loading') return <Loading />;
  if (post.state === 'error') {
    if (isNotFound(post.error)) return <NotFoundPage what="post" />;
    return <ErrorNote error={post.error} />;
  }
  return (
    <section className="card">
      <h1 className="visually-hidden">{t('posts.title')}</h1>
      <PostItem post={post.data} />
    </section>
  );
}
