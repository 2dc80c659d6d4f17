import type { RoomState } from '@earshot/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../components/Avatar';
import type { Run } from './types';

function InviteForm({ run }: { run: Run }) {
  const { t } = useTranslation();
  const [handle, setHandle] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const h = handle.trim().replace(/^@/, '');
    if (!h) return;
    setBusy(true);
    if (await run('invite', { handle: h }, t('room.requests.invited', { handle: h }))) setHandle('');
    setBusy(false);
  };
  return (
    <form className="inline-form room-form" onSubmit={submit}>
      <label htmlFor="invite-handle">{t('room.requests.inviteByHandle')}</label>
      <div className="inline-row">
        <input
          id="invite-handle"
          value={handle}
          onChange={(e) => setHandle(e.target.value)}
          placeholder={t('messages.handlePlaceholder')}
          autoCapitalize="none"
          autoComplete="off"
          spellCheck={false}
        />
        <button type="submit" className="button secondary" disabled={busy || !handle.trim()}>
          {t('room.requests.invite')}
        </button>
      </div>
    </form>
  );
}

/** For hosts and co-hosts: raised hands to approve or decline, open invitations, invite by handle. */
export function RequestsPanel({ room, busy, run }: { room: RoomState; busy: boolean; run: Run }) {
  const { t } = useTranslation();
  return (
    <section className="card room-panel" aria-labelledby="requests-heading">
      <h2 id="requests-heading">
        {t('room.requests.heading')}{' '}
        {room.raisedHands.length > 0 && <span className="count-badge">{room.raisedHands.length}</span>}
      </h2>
      {room.raisedHands.length === 0 ? (
        <p className="muted">{t('room.requests.none')}</p>
      ) : (
        <ul className="request-list">
          {room.raisedHands.map((u) => (
            <li key={u.id} className="request-row" data-testid="request">
              <Avatar handle={u.handle} displayName={u.displayName} size="sm" src={u.avatarUrl} />
              <span className="user-names">
                <span className="name">{u.displayName}</span>
                <span className="muted">@{u.handle}</span>
              </span>
              <span className="request-actions">
                <button
                  type="button"
                  className="button small"
                  aria-label={t('room.requests.approveLabel', { name: u.displayName })}
                  disabled={busy}
                  onClick={() => run('approve', { userId: u.id })}
                >
                  {t('room.requests.approve')}
                </button>
                <button
                  type="button"
                  className="button secondary small"
                  aria-label={t('room.requests.declineLabel', { name: u.displayName })}
                  disabled={busy}
                  onClick={() => run('decline', { userId: u.id })}
                >
                  {t('room.controls.decline')}
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {room.invitations.length > 0 && (
        <p className="muted invited">
          {t('room.requests.invitedList')}{' '}
          {room.invitations
            .map((i) =>
              i.role === 'cohost' ? t('room.requests.invitedCohost', { name: i.user.displayName }) : i.user.displayName,
            )
            .join(', ')}
        </p>
      )}
      <InviteForm run={run} />
    </section>
  );
}
