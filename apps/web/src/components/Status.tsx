import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api';

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="muted loading" role="status">
      {label ?? t('common.loading')}
    </p>
  );
}

/** An inline error the screen reader announces at once. */
export function ErrorNote({ error, children }: { error: unknown; children?: ReactNode }) {
  if (!error) return null;
  return (
    <div className="error-note" role="alert">
      <span>{errorMessage(error)}</span>
      {children}
    </div>
  );
}

export function LoadMore({
  hasMore,
  loading,
  error,
  onClick,
  label,
}: {
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  onClick: () => void;
  label?: string;
}) {
  const { t } = useTranslation();
  if (!hasMore) return null;
  return (
    <div className="load-more">
      <ErrorNote error={error} />
      <button type="button" className="button secondary" onClick={onClick} disabled={loading}>
        {loading ? t('common.loading') : (label ?? t('common.loadMore'))}
      </button>
    </div>
  );
}
