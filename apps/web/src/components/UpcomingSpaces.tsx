import type { SpaceSummary } from '@earshot/protocol';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../api';
import { scheduleDate } from '../format';
import { useSession } from '../session';
import { useLoad } from '../use-load';
import { RemindButton } from './RemindButton';
import { Topics } from './SpaceCard';
import { ErrorNote, Loading } from './Status';

/** An upcoming Space in a list: its time, title, host and a Remind me button. */
function UpcomingCard({ space, viewerId }: { space: SpaceSummary; viewerId: string | null }) {
  // The host is told before it starts anyway: no reminder button on one's own Space.
  const mayRemind = !!viewerId && viewerId !== space.host.id;
  const { t } = useTranslation();
  return (
    <li className="space-card upcoming-card" data-testid="upcoming-card">
      <span className="space-card-top">
        <span className="upcoming-badge">
          {space.scheduledFor && <time dateTime={space.scheduledFor}>{scheduleDate(space.scheduledFor)}</time>}
        </span>
        {space.youFollowHost && <span className="muted">{t('space.youFollowHost')}</span>}
      </span>
      <Link href={`/spaces/${space.id}`} className="space-card-title">
        {space.title}
      </Link>
      <Topics topics={space.topics} />
      <span className="upcoming-foot">
        <span className="muted">
          <Trans
            i18nKey="space.hostedBy"
            values={{ name: space.host.displayName }}
            components={{ strong: <strong className="host-name" /> }}
          />
        </span>
        {mayRemind && <RemindButton spaceId={space.id} initial={!!space.youHaveReminder} title={space.title} />}
      </span>
    </li>
  );
}

/**
 * Upcoming (scheduled) Spaces: people you follow first, then the soonest. `q` searches title and
 * topics (Home's search); `host` keeps one person's (their profile). Nothing at all when a
 * profile has none.
 */
export function UpcomingSpaces({ q = '', host }: { q?: string; host?: string }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const list = useLoad(`upcoming:${q}:${host ?? ''}:${user?.id ?? ''}`, () =>
    api.upcomingSpaces(q, host).then((r) => r.items),
  );
  if (host && (list.state !== 'ready' || list.data.length === 0)) return null;
  return (
    <section className="upcoming" aria-labelledby={`upcoming-heading-${host ?? 'all'}`}>
      <h2 id={`upcoming-heading-${host ?? 'all'}`}>{t('space.upcoming')}</h2>
      {list.state === 'loading' ? (
        <Loading />
      ) : list.state === 'error' ? (
        <ErrorNote error={list.error} />
      ) : list.data.length === 0 ? (
        <p className="muted empty" role="status">
          {q ? t('space.noUpcomingMatch', { q }) : t('space.nothingScheduled')}
        </p>
      ) : (
        <ul className="space-list">
          {list.data.map((space) => (
            <UpcomingCard key={space.id} space={space} viewerId={user?.id ?? null} />
          ))}
        </ul>
      )}
    </section>
  );
}
