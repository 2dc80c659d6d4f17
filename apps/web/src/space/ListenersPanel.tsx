import type { UserSummary } from '@earshot/protocol';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../components/Avatar';
import { MenuButton, type MenuItem } from '../components/Menu';

const LISTENERS_SHOWN = 12;

function ListenerChip({ user, items }: { user: UserSummary; items: MenuItem[] }) {
  const { t } = useTranslation();
  const body = (
    <>
      <Avatar handle={user.handle} displayName={user.displayName} size="md" src={user.avatarUrl} />
      <span className="listener-name">{user.displayName.split(/\s+/)[0]}</span>
    </>
  );
  return (
    <li data-testid="listener" data-user-id={user.id}>
      {items.length > 0 ? (
        <MenuButton label={t('room.optionsFor', { name: user.displayName })} items={items} className="listener-chip">
          {body}
        </MenuButton>
      ) : (
        <span className="listener-chip" title={user.displayName}>
          {body}
          <span className="visually-hidden">{user.displayName}</span>
        </span>
      )}
    </li>
  );
}

/** People listening who are not on stage: a sample, then "+N". */
export function ListenersPanel({
  listeners: present,
  stageIds,
  listenerCount,
  optionsFor,
}: {
  listeners: UserSummary[];
  stageIds: Set<string>;
  listenerCount: number;
  optionsFor: (target: UserSummary) => MenuItem[];
}) {
  const { t } = useTranslation();
  const listeners = present.filter((u) => !stageIds.has(u.id));
  const shown = listeners.slice(0, LISTENERS_SHOWN);
  // The count and the sample include everyone here, the stage too; "+N" is who the sample leaves out.
  const more = Math.max(0, listenerCount - present.length + (listeners.length - shown.length));
  return (
    <section className="card room-panel" aria-labelledby="listeners-heading">
      <h2 id="listeners-heading">{t('room.listeners.heading')}</h2>
      {shown.length === 0 && more === 0 ? (
        <p className="muted">{t('room.listeners.none')}</p>
      ) : (
        <ul className="listener-row">
          {shown.map((u) => (
            <ListenerChip key={u.id} user={u} items={optionsFor(u)} />
          ))}
          {more > 0 && (
            <li className="listener-more">
              <span aria-hidden="true">+{more}</span>
              <span className="visually-hidden">{t('room.listeners.more', { count: more })}</span>
            </li>
          )}
        </ul>
      )}
    </section>
  );
}
