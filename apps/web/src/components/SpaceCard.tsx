import type { SpaceSummary } from '@earshot/protocol';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { i18n } from '../i18n';
import { Avatar } from './Avatar';

export const listening = (count: number) => i18n.t('space.listening', { count });

export function Topics({ topics }: { topics: string[] }) {
  const { t } = useTranslation();
  if (topics.length === 0) return null;
  return (
    <ul className="topics" aria-label={t('space.topics')}>
      {topics.map((topic) => (
        <li key={topic} className="chip">
          {topic}
        </li>
      ))}
    </ul>
  );
}

/** A live Space in a list: links to its room. */
export function SpaceCard({ space }: { space: SpaceSummary }) {
  const { t } = useTranslation();
  const shown = space.stage.slice(0, 5);
  return (
    <li>
      <Link href={`/spaces/${space.id}`} className="space-card" data-testid="space-card">
        <span className="space-card-top">
          <span className="live-badge">{t('space.live')}</span>
          <span className="muted">{listening(space.listenerCount)}</span>
        </span>
        <span className="space-card-title">{space.title}</span>
        <Topics topics={space.topics} />
        <span className="space-card-people">
          <span className="avatar-stack" aria-hidden="true">
            {shown.map((u) => (
              <Avatar key={u.id} handle={u.handle} displayName={u.displayName} size="sm" src={u.avatarUrl} />
            ))}
          </span>
          <span className="muted">
            <Trans
              i18nKey="space.hostedBy"
              values={{ name: space.host.displayName }}
              components={{ strong: <strong className="host-name" /> }}
            />
            {space.stage.length > 1 && ` · ${t('space.moreOnStage', { count: space.stage.length - 1 })}`}
          </span>
        </span>
      </Link>
    </li>
  );
}

/** "Live from people you follow" (the timeline below is "From people you follow"): round host avatars with the title, in a row that scrolls sideways. */
export function Bubbles({ spaces }: { spaces: SpaceSummary[] }) {
  const { t } = useTranslation();
  if (spaces.length === 0) return null;
  return (
    <section className="follow-bubbles" aria-labelledby="bubbles-heading">
      <h2 id="bubbles-heading">{t('space.liveFromPeopleYouFollow')}</h2>
      <ul>
        {spaces.map((space) => {
          const others = (space.followedOnStage ?? 1) - 1;
          return (
            <li key={space.id}>
              <Link
                href={`/spaces/${space.id}`}
                className="fb-link"
                data-testid="space-bubble"
                aria-label={t('space.bubbleLabel', {
                  title: space.title,
                  name: space.host.displayName,
                  listening: listening(space.listenerCount),
                })}
              >
                <span className="fb-ring">
                  <Avatar
                    handle={space.host.handle}
                    displayName={space.host.displayName}
                    size="lg"
                    src={space.host.avatarUrl}
                  />
                  {others > 0 && <span className="fb-more">+{others}</span>}
                </span>
                <span className="fb-title">{space.title}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
