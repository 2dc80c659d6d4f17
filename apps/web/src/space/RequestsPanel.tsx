import type { RoomState } from '@earshot/protocol';
import { type FormEvent, useState } from 'react';
import { Avatar } from '../components/Avatar';
import type { Run } from './types';

function InviteForm({ run }: { run: Run }) {
  const [handle, setHandle] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const h = handle.trim().replace(/^@/, '');
    if (!h) return;
    setBusy(true);
    if (await run('invite', { handle: h }, `Invited @${h} to speak`)) setHandle('');
    setBusy(false);
  };
  return (
    <form className="inline-form room-form" onSubmit={submit}>
      <label htmlFor="invite-handle">Invite by handle</label>
      <div className="inline-row">
        <input
          id="invite-handle"
          value={handle}
          onChange={(e) => setHandle(e.target.value)}
          placeholder="@handle"
          autoCapitalize="none"
          autoComplete="off"
          spellCheck={false}
        />
        <button type="submit" className="button secondary" disabled={busy || !handle.trim()}>
          Invite
        </button>
      </div>
    </form>
  );
}

/** For hosts and co-hosts: raised hands to approve or decline, open invitations, invite by handle. */
export function RequestsPanel({ room, busy, run }: { room: RoomState; busy: boolean; run: Run }) {
  return (
    <section className="card room-panel" aria-labelledby="requests-heading">
      <h2 id="requests-heading">
        Requests {room.raisedHands.length > 0 && <span className="count-badge">{room.raisedHands.length}</span>}
      </h2>
      {room.raisedHands.length === 0 ? (
        <p className="muted">No requests to speak right now.</p>
      ) : (
        <ul className="request-list">
          {room.raisedHands.map((u) => (
            <li key={u.id} className="request-row" data-testid="request">
              <Avatar handle={u.handle} displayName={u.displayName} size="sm" />
              <span className="user-names">
                <span className="name">{u.displayName}</span>
                <span className="muted">@{u.handle}</span>
              </span>
              <span className="request-actions">
                <button
                  type="button"
                  className="button small"
                  aria-label={`Approve ${u.displayName}`}
                  disabled={busy}
                  onClick={() => run('approve', { userId: u.id })}
                >
                  Approve
                </button>
                <button
                  type="button"
                  className="button secondary small"
                  aria-label={`Decline ${u.displayName}`}
                  disabled={busy}
                  onClick={() => run('decline', { userId: u.id })}
                >
                  Decline
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {room.invitations.length > 0 && (
        <p className="muted invited">
          Invited:{' '}
          {room.invitations.map((i) => `${i.user.displayName}${i.role === 'cohost' ? ' (co-host)' : ''}`).join(', ')}
        </p>
      )}
      <InviteForm run={run} />
    </section>
  );
}
