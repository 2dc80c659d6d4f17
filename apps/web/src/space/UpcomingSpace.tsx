import type { RoomState, User } from '@earshot/protocol';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { api, calendarUrl } from '../api';
import { Avatar } from '../components/Avatar';
import { useConfirm } from '../components/ConfirmDialog';
import { RemindButton } from '../components/RemindButton';
import { Topics } from '../components/SpaceCard';
import { ErrorNote } from '../components/Status';
import { fromLocalInput, localInputValue, scheduleDate } from '../format';
import { parseTopics } from '../pages/NewSpace';
import { useLoad } from '../use-load';
import { ShareButton } from './ShareButton';

/** The host's (and co-hosts') edit of an upcoming Space: title, topics, time. */
function EditForm({ room, done }: { room: RoomState; done: () => void }) {
  const { t } = useTranslation();
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
    <form className="form upcoming-edit" onSubmit={save} aria-label={t('room.upcoming.editLabel')}>
      <div className="field">
        <label htmlFor="edit-title">{t('newSpace.title')}</label>
        <input id="edit-title" ref={first} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={70} />
      </div>
      <div className="field">
        <label htmlFor="edit-topics">{t('space.topics')}</label>
        <input
          id="edit-topics"
          value={topics}
          onChange={(e) => setTopics(e.target.value)}
          aria-describedby="edit-topics-hint"
        />
        <small id="edit-topics-hint" className="hint">
          {t('newSpace.topicsHint', { count: 3 })}
        </small>
      </div>
      <div className="field">
        <label htmlFor="edit-at">{t('newSpace.dateTime')}</label>
        <input id="edit-at" type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
      </div>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="button secondary" onClick={done}>
          {t('room.mini.close')}
        </button>
      </div>
    </form>
  );
}

/** Co-hosts set ahead: the host invites by handle (a DM with Accept); the invited person answers here too. */
function Cohosts({ room, myId, isHost }: { room: RoomState; myId: string | null; isHost: boolean }) {
  const { t } = useTranslation();
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
          <span>{t('room.upcoming.invitedYou', { name: room.host.displayName })}</span>
          <button
            type="button"
            className="button small"
            disabled={busy}
            onClick={() => run(() => api.spaceCommand(room.id, 'accept-invite', {}))}
          >
            {t('messages.accept')}
          </button>
          <button
            type="button"
            className="button small secondary"
            disabled={busy}
            onClick={() => run(() => api.spaceCommand(room.id, 'decline-invite', {}))}
          >
            {t('room.controls.decline')}
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
          <label htmlFor="cohost-handle">{t('room.upcoming.inviteCohost')}</label>
          <span className="cohost-row">
            <input
              id="cohost-handle"
              value={handle}
              onChange={(e) => setHandle(e.target.value)}
              placeholder={t('room.upcoming.handle')}
              autoComplete="off"
            />
            <button type="submit" className="button small secondary" disabled={busy || !handle.trim()}>
              {t('room.requests.invite')}
            </button>
          </span>
          {invited.length > 0 && (
            <small className="hint" role="status">
              {t('room.requests.invitedList')} {invited.map((i) => i.user.displayName).join(', ')}
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
  const { t } = useTranslation();
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
  const [confirm, confirmDialog] = useConfirm();
  const run = async (name: 'start' | 'cancel') => {
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
            <span className="upcoming-badge">{t('space.upcoming')}</span>
          ) : (
            <span className="ended-badge">
              {room.status === 'cancelled'
                ? t('room.upcoming.cancelled')
                : room.status === 'missed'
                  ? t('room.upcoming.missed')
                  : room.status}
            </span>
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
          {scheduled ? t('room.upcoming.starts') : t('room.upcoming.wasSetFor')}{' '}
          <time dateTime={room.scheduledFor} data-testid="upcoming-time">
            {scheduleDate(room.scheduledFor)}
          </time>
        </p>
      )}
      <Topics topics={room.topics} />
      <p className="upcoming-people">
        <Avatar handle={room.host.handle} displayName={room.host.displayName} size="sm" src={room.host.avatarUrl} />
        <span>
          <Trans
            i18nKey="space.hostedBy"
            values={{ name: room.host.displayName }}
            components={{ strong: <strong /> }}
          />
          {cohosts.length > 0 && (
            <>
              {' '}
              {t('room.upcoming.with', {
                names: cohosts.map((u) => u.displayName).join(` ${t('room.upcoming.and')} `),
              })}
            </>
          )}
        </span>
      </p>
      {manages && reminders !== null && (
        <p className="muted" data-testid="reminder-count" role="status">
          {t('room.upcoming.reminders', { count: reminders })}
        </p>
      )}
      {scheduled && (
        <div className="actions upcoming-actions">
          {isHost && (
            <button type="button" className="button" disabled={busy} onClick={() => run('start')}>
              {t('newSpace.startNow')}
            </button>
          )}
          {!isHost && me && view.state === 'ready' && (
            <RemindButton spaceId={room.id} initial={view.data.youHaveReminder} small={false} />
          )}
          <a className="button secondary" href={calendarUrl(room.id)} download data-testid="add-to-calendar">
            {t('room.upcoming.calendar')}
          </a>
          {manages && (
            <button
              type="button"
              className="button secondary"
              aria-expanded={editing}
              onClick={() => setEditing(!editing)}
            >
              {t('room.upcoming.edit')}
            </button>
          )}
          {isHost && (
            <button
              type="button"
              className="button secondary danger"
              disabled={busy}
              onClick={() =>
                confirm({
                  title: t('room.upcoming.cancelConfirm'),
                  detail: t('room.upcoming.cancelDetail'),
                  confirmLabel: t('room.upcoming.cancel'),
                  cancelLabel: t('room.upcoming.keep'),
                  onConfirm: () => void run('cancel'),
                })
              }
            >
              {t('room.upcoming.cancel')}
            </button>
          )}
        </div>
      )}
      {!me && scheduled && <p className="muted">{t('room.upcoming.logIn')}</p>}
      {scheduled && <Cohosts room={room} myId={myId} isHost={isHost} />}
      <ErrorNote error={error} />
      {confirmDialog}
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
