import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useTitle } from '../use-title';

export function NotFoundPage({ what = 'page' }: { what?: 'page' | 'account' | 'post' | 'report' }) {
  const { t } = useTranslation();
  useTitle(t('notFound.title'));
  return (
    <section className="card center">
      <h1>{t('notFound.title')}</h1>
      <p className="muted">{t(`notFound.${what}`)}</p>
      <p>
        <Link href="/" className="button">
          {t('notFound.goHome')}
        </Link>
      </p>
    </section>
  );
}
