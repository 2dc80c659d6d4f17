import type { RoomState, StageMember, UserSummary } from '@earshot/protocol';
import type { ReactNode, Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { Avatar } from '../components/Avatar';
import { MicOffIcon, MoreIcon } from '../components/Icons';
import { MenuButton, type MenuItem } from '../components/Menu';
import { SpeakingNow } from './SpeakingNow';
import type { Floating } from './use-floating-reactions';

function StageTile({ member, items, caption }: { member: StageMember; items: MenuItem[]; caption: ReactNode }) {
  const { t } = useTranslation();
  const { user } = member;
  return (
    <li
      className={member.speaking ? 'stage-member is-speaking' : 'stage-member'}
      data-testid="stage-member"
      data-user-id={user.id}
      data-speaking={member.speaking}
      data-muted={member.muted}
    >
      <span className={member.speaking ? 'stage-ring speaking' : 'stage-ring'}>
        <Avatar handle={user.handle} displayName={user.displayName} size="lg" src={user.avatarUrl} />
        {member.muted && (
          <span className="mic-off" role="img" aria-label={t('room.stage.mutedLabel')} title={t('room.stage.muted')}>
            <MicOffIcon />
          </span>
        )}
      </span>
      <Link href={`/u/${user.handle}`} className="stage-name">
        {user.displayName}
      </Link>
      <span className="stage-role">
        {t(`room.role.${member.role}`)}
        {member.speaking && <span className="visually-hidden">{t('room.stage.speaking')}</span>}
      </span>
      {caption}
      <MenuButton label={t('room.optionsFor', { name: user.displayName })} items={items} className="tile-menu">
        <MoreIcon />
      </MenuButton>
    </li>
  );
}

export function StageSection({
  room,
  optionsFor,
  floating,
  captionFor,
  headExtra,
  sectionRef,
  children,
}: {
  room: RoomState;
  optionsFor: (target: UserSummary, member: StageMember | null) => MenuItem[];
  floating: Floating[];
  /** Under each name while the viewer reads captions: what they say now; null = not reading captions. */
  captionFor?: ((member: StageMember) => ReactNode) | null;
  /** Beside the heading: the hosts' captions switch. */
  headExtra?: ReactNode;
  sectionRef?: Ref<HTMLElement>;
  /** Under the grid: the volume sliders while listening. */
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <section className="card stage" aria-labelledby="stage-heading" ref={sectionRef}>
      <div className="stage-head">
        <h2 id="stage-heading">{t('room.stage.heading')}</h2>
        {headExtra}
      </div>
      <SpeakingNow stage={room.stage} />
      <ul className={captionFor ? 'stage-grid with-captions' : 'stage-grid'}>
        {room.stage.map((m) => (
          <StageTile key={m.user.id} member={m} items={optionsFor(m.user, m)} caption={captionFor?.(m)} />
        ))}
      </ul>
      {children}
      {/* Only while reactions float: an empty layer over the stage hid its text from contrast checks. */}
      {floating.length > 0 && (
        <div className="reaction-layer" aria-hidden="true">
          {floating.map((f) => (
            <span
              key={f.id}
              className="floating-reaction"
              data-testid="floating-reaction"
              style={{ left: `${f.left}%` }}
            >
              {f.emoji}
            </span>
          ))}
        </div>
      )}
    </section>
  );
}
