import type { RoomState, User } from '@earshot/protocol';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, calendarUrl } from '../api';
import { Avatar } from '../components/Avatar';
import { RemindButton } from '../components/RemindButton';
import { Topics } from '../components/SpaceCard';
import { ErrorNote } from '../components/Status';
import { fromLocalInput, localInputValue, scheduleDate } from '../format';
import { parseTopics } from '../pages/NewSpace';
import { useLoad } from '../use-load';
import { ShareButton } from './ShareButton';

const statusText = {
  cancelled: 'Cancelled by the host',
  missed: 'Missed: it did not start in time',
} as const;

/** The host's (and co-hosts') edit of an upcoming Space: title, topics, time. */
function EditForm({ room, done }: { room: RoomState; done: () => void }) {
  const [title, setTitle] = useState(room.title);
  const [topics, setTopics] = useState(room.topics.join(', '));
  const [at, setAt] = useState(room.scheduledFor ? localInputValue(new Date(room.scheduledFor)) : '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const scheduledFor = fromLocalInput(at);
      await api.editSpace(room.id, {
        title: title.trim(),
        topics: parseTopics(topics),
        ...(scheduledFor && scheduledFor !== room.scheduledFor && { scheduledFor }),
      });
      done();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form upcoming-edit" onSubmit={save} aria-label="Edit the Space">
      <div className="field">
        <label htmlFor="edit-title">Title</label>
        <input id="edit-title" ref={first} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={70} />
      </div>
      <div className="field">
        <label htmlFor="edit-topics">Topics</label>
        <input
          id="edit-topics"
          value={topics}
          onChange={(e) => setTopics(e.target.value)}
          aria-describedby="edit-topics-hint"
        />
        <small id="edit-topics-hint" className="hint">
          Up to 3, separated by commas.
        </small>
      </div>
      <div className="field">
        <label htmlFor="edit-at">Date and time</label>
        <input id="edit-at" type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
      </div>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button secondary" onClick={done}>
          Close
        </button>
      </div>
    </form>
  );
}

/** Co-hosts set ahead: the host invites by handle (a DM with Accept); the invited person answers here too. */
function Cohosts({ room, myId, isHost }: { room: RoomState; myId: string | null; isHost: boolean }) {
  const [handle, setHandle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const invited = room.invitations.filter((i) => i.role === 'cohost');
  const mine = invited.find((i) => i.user.id === myId);
  const run = async (go: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await go();
      setHandle('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (!isHost && !mine) return null;
  return (
    <div className="upcoming-cohosts">
      {mine && (
        <p className="actions">
          <span>{room.host.displayName} invited you to co-host.</span>
          <button
            type="button"
            className="button small"
            disabled={busy}
            onClick={() => run(() => api.spaceCommand(room.id, 'accept-invite', {}))}
          >
            Accept
          </button>
          <button
            type="button"
            className="button small secondary"
            disabled={busy}
            onClick={() => run(() => api.spaceCommand(room.id, 'decline-invite', {}))}
          >
            Decline
          </button>
        </p>
      )}
      {isHost && (
        <form
          className="cohost-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (handle.trim())
              void run(() => api.spaceCommand(room.id, 'add-cohost', { handle: handle.trim().replace(/^@/, '') }));
          }}
        >
          <label htmlFor="cohost-handle">Invite a co-host</label>
          <span className="cohost-row">
            <input
              id="cohost-handle"
              value={handle}
              onChange={(e) => setHandle(e.target.value)}
              placeholder="handle"
              autoComplete="off"
            />
            <button type="submit" className="button small secondary" disabled={busy || !handle.trim()}>
              Invite
            </button>
          </span>
          {invited.length > 0 && (
            <small className="hint" role="status">
              Invited: {invited.map((i) => i.user.displayName).join(', ')}
            </small>
          )}
        </form>
      )}
      <ErrorNote error={error} />
    </div>
  );
}

/**
 * A Space that is not live yet (scheduled), or will not be (cancelled, missed): when, who, Remind
 * me and Add to calendar; its host starts it now, edits or cancels it. The live socket keeps
 * `room` current, so the start turns this page into the room.
 */
export function UpcomingSpace({ room, me }: { room: RoomState; me: User | null }) {
  const myId = me?.id ?? null;
  const isHost = myId === room.host.id;
  const manages = isHost || room.stage.some((m) => m.user.id === myId && m.role === 'cohost');
  const scheduled = room.status === 'scheduled';
  // Reminder counts are not part of the room's state: read them with the Space, again after each change.
  const view = useLoad(`upcoming-view:${room.id}:${myId ?? ''}:${room.scheduledFor}:${room.status}`, () =>
    api.space(room.id),
  );
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const run = async (name: 'start' | 'cancel') => {
    if (name === 'cancel' && !window.confirm('Cancel this Space? People with a reminder are told.')) return;
    setBusy(true);
    setError(null);
    try {
      await api.spaceCommand(room.id, name, {});
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  // Cancelled or missed while open (the Cancel button is gone): focus the heading and its new state.
  useEffect(() => {
    if (!scheduled) heading.current?.focus();
  }, [scheduled]);
  const cohosts = room.stage.filter((m) => m.role === 'cohost').map((m) => m.user);
  const reminders = view.state === 'ready' ? view.data.reminderCount : null;

  return (
    <section className="card upcoming-space" aria-labelledby="upcoming-title" data-testid="upcoming-space">
      <div className="room-status">
        <span role="status">
          {scheduled ? (
            <span className="upcoming-badge">Upcoming</span>
          ) : (
            <span className="ended-badge">{statusText[room.status as keyof typeof statusText] ?? room.status}</span>
          )}
        </span>
        <span className="room-head-actions">
          <ShareButton />
        </span>
      </div>
      <h1 id="upcoming-title" ref={heading} tabIndex={-1}>
        {room.title}
      </h1>
      {room.scheduledFor && (
        <p className="upcoming-when">
          {scheduled ? 'Starts ' : 'Was set for '}
          <time dateTime={room.scheduledFor} data-testid="upcoming-time">
            {scheduleDate(room.scheduledFor)}
          </time>
        </p>
      )}
      <Topics topics={room.topics} />
      <p className="upcoming-people">
        <Avatar handle={room.host.handle} displayName={room.host.displayName} size="sm" />
        <span>
          Hosted by <strong>{room.host.displayName}</strong>
          {cohosts.length > 0 && <> with {cohosts.map((u) => u.displayName).join(' and ')}</>}
        </span>
      </p>
      {manages && reminders !== null && (
        <p className="muted" data-testid="reminder-count" role="status">
          {reminders === 1 ? '1 person has set a reminder' : `${reminders} people have set a reminder`}
        </p>
      )}
      {scheduled && (
        <div className="actions upcoming-actions">
          {isHost && (
            <button type="button" className="button" disabled={busy} onClick={() => run('start')}>
              Start now
            </button>
          )}
          {!isHost && me && view.state === 'ready' && (
            <RemindButton spaceId={room.id} initial={view.data.youHaveReminder} small={false} />
          )}
          <a className="button secondary" href={calendarUrl(room.id)} download data-testid="add-to-calendar">
            Add to calendar
          </a>
          {manages && (
            <button
              type="button"
              className="button secondary"
              aria-expanded={editing}
              onClick={() => setEditing(!editing)}
            >
              Edit
            </button>
          )}
          {isHost && (
            <button type="button" className="button secondary danger" disabled={busy} onClick={() => run('cancel')}>
              Cancel Space
            </button>
          )}
        </div>
      )}
      {!me && scheduled && <p className="muted">Log in to set a reminder.</p>}
      {scheduled && <Cohosts room={room} myId={myId} isHost={isHost} />}
      <ErrorNote error={error} />
      {editing && scheduled && (
        <EditForm
          room={room}
          done={() => {
            setEditing(false);
            heading.current?.focus();
          }}
        />
      )}
    </section>
  );
}
