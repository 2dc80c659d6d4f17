import {
  type CommandArgsOf,
  type CommandName,
  type Post,
  Reaction,
  type RoomEvent,
  type RoomState,
  type StageMember,
  type User,
  type UserSummary,
} from '@earshot/protocol';
import { type FormEvent, type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api';
import { Avatar } from '../components/Avatar';
import { HandIcon, MicIcon, MicOffIcon, MoreIcon, ShareIcon } from '../components/Icons';
import { MenuButton, type MenuItem } from '../components/Menu';
import { PostItem } from '../components/PostList';
import { listening, Topics } from '../components/SpaceCard';
import { ErrorNote, Loading } from '../components/Status';
import { useSession } from '../session';
import { useLoad } from '../use-load';
import { type LiveSpace, useSpace } from '../use-space';
import { useTitle } from '../use-title';

const reactions = Reaction.options;
const FLOAT_MS = 2200;
const LISTENERS_SHOWN = 12;

const roleLabel = { host: 'Host', cohost: 'Co-host', speaker: 'Speaker' } as const;
const policyLabel = {
  everyone: 'Anyone can request to speak',
  following: 'People the host follows can request to speak',
  invited: 'Speakers by invitation only',
} as const;

type Run = <N extends CommandName>(name: N, args: CommandArgsOf<N>, done?: string) => Promise<boolean>;

/** Who a user id is, from anything the room knows. */
function findUser(room: RoomState, listeners: UserSummary[], userId: string): UserSummary | undefined {
  return (
    room.stage.find((m) => m.user.id === userId)?.user ??
    room.raisedHands.find((u) => u.id === userId) ??
    room.invitations.find((i) => i.user.id === userId)?.user ??
    listeners.find((u) => u.id === userId) ??
    (room.host.id === userId ? room.host : undefined)
  );
}

/** A sentence for the live region about a change on stage, or null when it is not worth one. */
function describe(
  event: RoomEvent,
  before: RoomState,
  listeners: UserSummary[],
  myId: string | null,
  manages: boolean,
): string | null {
  const name = (userId: string) =>
    userId === myId ? 'You' : (findUser(before, listeners, userId)?.displayName ?? 'Someone');
  switch (event.kind) {
    case 'started':
      return 'The Space is live';
    case 'ended':
      return null; // the banner says so, in its own status region
    case 'hand_raised':
      return manages && event.user.id !== myId ? `${event.user.displayName} requested to speak` : null;
    case 'hand_lowered':
      return event.reason === 'declined' && event.userId === myId ? 'Your request to speak was declined' : null;
    case 'joined_stage':
      return `${event.user.id === myId ? 'You are' : `${event.user.displayName} is`} now a ${event.role === 'cohost' ? 'co-host' : 'speaker'}`;
    case 'left_stage':
      return event.reason === 'left'
        ? `${name(event.userId)} left the stage`
        : `${name(event.userId)} ${event.userId === myId ? 'were' : 'was'} moved to the audience`;
    case 'role_changed':
      return `${name(event.userId)} ${event.userId === myId ? 'are' : 'is'} now a ${event.role === 'cohost' ? 'co-host' : 'speaker'}`;
    case 'invited':
      if (event.user.id === myId) return `You are invited to ${event.role === 'cohost' ? 'co-host' : 'speak'}`;
      return manages
        ? `${event.user.displayName} was invited to ${event.role === 'cohost' ? 'co-host' : 'speak'}`
        : null;
    case 'invitation_ended':
      return manages && !event.accepted ? `${name(event.userId)} declined the invitation` : null;
    case 'muted':
      if (event.userId === myId && event.by !== myId) return 'A host muted you';
      return null;
    case 'removed':
      return `${name(event.userId)} was removed`;
    case 'pinned':
      return `A post by ${event.post.author.displayName} was pinned`;
    case 'unpinned':
      return 'A post was unpinned';
    default:
      return null;
  }
}

type Floating = { id: number; emoji: string; left: number };

/** Emoji that float up over the stage for a moment. */
function useFloatingReactions() {
  const [floating, setFloating] = useState<Floating[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending) clearTimeout(timer);
    };
  }, []);
  const add = useCallback((emoji: string) => {
    const id = nextId.current++;
    const left = 8 + Math.random() * 84;
    setFloating((list) => [...list.slice(-29), { id, emoji, left }]);
    const timer = setTimeout(() => {
      timers.current.delete(timer);
      setFloating((list) => list.filter((f) => f.id !== id));
    }, FLOAT_MS);
    timers.current.add(timer);
  }, []);
  return { floating, add };
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Not allowed (no permission, insecure context): the old way.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}

function ShareButton() {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 3000);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <>
      <button
        type="button"
        className="button secondary small"
        aria-label="Copy share link"
        onClick={async () => setState((await copyText(window.location.href)) ? 'copied' : 'failed')}
      >
        <ShareIcon /> <span className="share-label">Share</span>
      </button>
      <span className="share-status" role="status">
        {state === 'copied' ? 'Link copied' : state === 'failed' ? `Copy this link: ${window.location.href}` : ''}
      </span>
    </>
  );
}

function StageTile({ member, items }: { member: StageMember; items: MenuItem[] }) {
  const { user } = member;
  return (
    <li
      className={member.speaking ? 'stage-member is-speaking' : 'stage-member'}
      data-testid="stage-member"
      data-user-id={user.id}
    >
      <span className={member.speaking ? 'stage-ring speaking' : 'stage-ring'}>
        <Avatar handle={user.handle} displayName={user.displayName} size="lg" />
        {member.muted && (
          <span className="mic-off" role="img" aria-label="muted" title="Muted">
            <MicOffIcon />
          </span>
        )}
      </span>
      <Link href={`/u/${user.handle}`} className="stage-name">
        {user.displayName}
      </Link>
      <span className="stage-role">
        {roleLabel[member.role]}
        {member.speaking && <span className="visually-hidden">, speaking</span>}
      </span>
      <MenuButton label={`Options for ${user.displayName}`} items={items} className="tile-menu">
        <MoreIcon />
      </MenuButton>
    </li>
  );
}

function ListenerChip({ user, items }: { user: UserSummary; items: MenuItem[] }) {
  const body = (
    <>
      <Avatar handle={user.handle} displayName={user.displayName} size="md" />
      <span className="listener-name">{user.displayName.split(/\s+/)[0]}</span>
    </>
  );
  return (
    <li data-testid="listener" data-user-id={user.id}>
      {items.length > 0 ? (
        <MenuButton label={`Options for ${user.displayName}`} items={items} className="listener-chip">
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

/** "https://…/posts/abc" or "abc" → "abc". */
function postIdFrom(text: string): string {
  const trimmed = text.trim();
  const match = /\/posts\/([^/?#\s]+)/.exec(trimmed);
  return match?.[1] ? decodeURIComponent(match[1]) : trimmed;
}

function PinForm({ me, run, pinned }: { me: User; run: Run; pinned: Post[] }) {
  const posts = useLoad(`pin:${me.handle}`, () => api.userPosts(me.handle, { limit: 10 }).then((p) => p.items));
  const [choice, setChoice] = useState('');
  const [link, setLink] = useState('');
  const [busy, setBusy] = useState(false);
  const options = (posts.data ?? []).filter((p) => !pinned.some((q) => q.id === p.id));
  const postId = link.trim() ? postIdFrom(link) : choice;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!postId) return;
    setBusy(true);
    if (await run('pin', { postId }, 'Post pinned')) {
      setChoice('');
      setLink('');
    }
    setBusy(false);
  };

  return (
    <form className="room-form pin-form" onSubmit={submit}>
      <h3>Pin a post</h3>
      <div className="field">
        <label htmlFor="pin-choice">One of your recent posts</label>
        <select
          id="pin-choice"
          value={choice}
          onChange={(e) => setChoice(e.target.value)}
          disabled={posts.state !== 'ready' || options.length === 0}
        >
          <option value="">
            {posts.state === 'loading' ? 'Loading…' : options.length === 0 ? 'No posts to pin' : 'Choose a post'}
          </option>
          {options.map((p) => (
            <option key={p.id} value={p.id}>
              {p.text.length > 60 ? `${p.text.slice(0, 59)}…` : p.text}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="pin-link">…or a post link</label>
        <input
          id="pin-link"
          value={link}
          onChange={(e) => setLink(e.target.value)}
          placeholder="https://…/posts/…"
          autoComplete="off"
        />
      </div>
      <div className="actions">
        <button type="submit" className="button secondary small" disabled={busy || !postId}>
          Pin post
        </button>
      </div>
    </form>
  );
}

function Room({
  live,
  me,
  id,
  floating,
  react,
}: {
  live: LiveSpace & { room: RoomState };
  me: User | null;
  id: string;
  floating: Floating[];
  react: (emoji: Reaction) => Promise<void>;
}) {
  const { room, listenerCount, connection } = live;
  const myId = me?.id ?? null;
  const myMember = myId ? room.stage.find((m) => m.user.id === myId) : undefined;
  const isHost = !!myId && room.host.id === myId;
  const manages = isHost || myMember?.role === 'cohost';
  const invitation = myId ? room.invitations.find((i) => i.user.id === myId) : undefined;
  const handRaised = !!myId && room.raisedHands.some((u) => u.id === myId);
  const ended = room.status === 'ended' || connection === 'ended';
  const isLive = room.status === 'live' && !ended;

  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState('');

  // A note about the last step ("Request sent") is stale once the viewer's place changes.
  const onStage = !!myMember;
  useEffect(() => {
    setNote('');
  }, [onStage]);

  const run: Run = async (name, args, done) => {
    setBusy(true);
    setError(null);
    try {
      await api.spaceCommand(id, name, args);
      if (done) setNote(done);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const stageIds = new Set(room.stage.map((m) => m.user.id));
  const listeners = live.listeners.filter((u) => !stageIds.has(u.id));
  const shownListeners = listeners.slice(0, LISTENERS_SHOWN);
  // The count and the sample include everyone here, the stage too; "+N" is who the sample leaves out.
  const moreListeners = Math.max(0, listenerCount - live.listeners.length + (listeners.length - shownListeners.length));

  const report = (target?: UserSummary) => {
    const reason = window.prompt(
      target ? `Why are you reporting ${target.displayName}?` : 'Why are you reporting this Space?',
    );
    if (!reason?.trim()) return;
    void run(
      'report',
      target ? { userId: target.id, reason: reason.trim() } : { reason: reason.trim() },
      'Thanks. Your report was sent to the moderators.',
    );
  };

  const optionsFor = (target: UserSummary, member: StageMember | null): MenuItem[] => {
    if (!myId || target.id === myId) return [];
    const items: MenuItem[] = [];
    const userId = target.id;
    const name = target.displayName;
    if (manages && !ended && target.id !== room.host.id) {
      if (!member) {
        if (room.raisedHands.some((u) => u.id === userId)) {
          items.push({ label: 'Make speaker', onSelect: () => void run('approve', { userId }) });
        } else if (!room.invitations.some((i) => i.user.id === userId)) {
          items.push({ label: 'Invite to speak', onSelect: () => void run('invite', { userId }, `Invited ${name}`) });
        }
        if (isHost) items.push({ label: 'Make co-host', onSelect: () => void run('add-cohost', { userId }) });
      } else if (member.role === 'speaker') {
        if (isHost) items.push({ label: 'Make co-host', onSelect: () => void run('add-cohost', { userId }) });
        items.push({ label: 'Move to audience', onSelect: () => void run('demote', { userId }) });
      } else if (isHost) {
        items.push({ label: 'Remove co-host', onSelect: () => void run('remove-cohost', { userId }) });
        items.push({ label: 'Move to audience', onSelect: () => void run('demote', { userId }) });
      }
      if (member && !member.muted) items.push({ label: 'Mute', onSelect: () => void run('mute', { userId }) });
      if (isHost || member?.role !== 'cohost') {
        items.push({
          label: 'Remove',
          danger: true,
          onSelect: () => {
            if (window.confirm(`Remove ${name} from this Space? They will not be able to rejoin it.`)) {
              void run('remove', { userId }, `${name} was removed`);
            }
          },
        });
        items.push({
          label: 'Block',
          danger: true,
          onSelect: () => {
            if (window.confirm(`Block ${name}? They will not be able to join any of the host's Spaces.`)) {
              void run('block', { userId }, `${name} was blocked`);
            }
          },
        });
      }
    }
    items.push({ label: 'Report', onSelect: () => report(target) });
    return items;
  };

  return (
    <div className="space-room">
      <header className="card room-head">
        <div className="room-status">
          {ended ? (
            <span className="ended-badge">Ended</span>
          ) : isLive ? (
            <span className="live-badge">Live</span>
          ) : (
            <span className="pill">Not started</span>
          )}
          {!ended && (
            <span className="muted" data-testid="listener-count">
              {listening(listenerCount)}
            </span>
          )}
          <span className="room-head-actions">
            <ShareButton />
            {me && !isHost && (
              <MenuButton
                label="More about this Space"
                items={[{ label: 'Report Space', onSelect: () => report() }]}
                className="tile-menu"
              >
                <MoreIcon />
              </MenuButton>
            )}
          </span>
        </div>
        <h1 className="room-title">{room.title}</h1>
        <Topics topics={room.topics} />
        <p className="muted room-meta">
          Hosted by <Link href={`/u/${room.host.handle}`}>{room.host.displayName}</Link> ·{' '}
          {policyLabel[room.speakerPolicy]}
        </p>
      </header>

      {/* One status region that stays, so a change of its text is announced. */}
      <div className="room-banner-region" role="status">
        {ended ? (
          <p className="room-banner ended">This Space has ended</p>
        ) : connection === 'reconnecting' ? (
          <p className="room-banner">
            <span className="dot" aria-hidden="true" /> Reconnecting…
          </p>
        ) : connection === 'connecting' ? (
          <p className="room-banner">Connecting…</p>
        ) : null}
      </div>

      <StageSection room={room} optionsFor={optionsFor} floating={floating} />

      {!ended && (
        <section className="card room-panel" aria-labelledby="listeners-heading">
          <h2 id="listeners-heading">Listeners</h2>
          {shownListeners.length === 0 && moreListeners === 0 ? (
            <p className="muted">Nobody else is listening yet. Share the link!</p>
          ) : (
            <ul className="listener-row">
              {shownListeners.map((u) => (
                <ListenerChip key={u.id} user={u} items={optionsFor(u, null)} />
              ))}
              {moreListeners > 0 && (
                <li className="listener-more">
                  <span aria-hidden="true">+{moreListeners}</span>
                  <span className="visually-hidden">and {moreListeners} more listening</span>
                </li>
              )}
            </ul>
          )}
        </section>
      )}

      {!ended && (
        <Controls
          me={me}
          room={room}
          myMember={myMember}
          isHost={isHost}
          invitation={invitation}
          handRaised={handRaised}
          busy={busy}
          run={run}
          react={(emoji) => {
            setError(null);
            react(emoji).catch(setError);
          }}
          error={error}
          note={note}
          clearNote={() => setNote('')}
        />
      )}

      {manages && !ended && (
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
              {room.invitations
                .map((i) => `${i.user.displayName}${i.role === 'cohost' ? ' (co-host)' : ''}`)
                .join(', ')}
            </p>
          )}
          <InviteForm run={run} />
        </section>
      )}

      {(room.pinnedPosts.length > 0 || (manages && !ended)) && (
        <section className="card room-panel" aria-labelledby="pinned-heading">
          <h2 id="pinned-heading">Pinned posts</h2>
          {room.pinnedPosts.length === 0 ? (
            <p className="muted">Nothing pinned yet.</p>
          ) : (
            <ul className="pinned-list">
              {room.pinnedPosts.map((post) => (
                <li key={post.id} className="pinned" data-testid="pinned-post">
                  <PostItem post={post} />
                  {manages && !ended && (
                    <button
                      type="button"
                      className="button ghost small"
                      aria-label={`Unpin post by ${post.author.displayName}`}
                      disabled={busy}
                      onClick={() => run('unpin', { postId: post.id })}
                    >
                      Unpin
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {manages && !ended && me && <PinForm me={me} run={run} pinned={room.pinnedPosts} />}
        </section>
      )}
    </div>
  );
}

function StageSection({
  room,
  optionsFor,
  floating,
}: {
  room: RoomState;
  optionsFor: (target: UserSummary, member: StageMember | null) => MenuItem[];
  floating: Floating[];
}) {
  return (
    <section className="card stage" aria-labelledby="stage-heading">
      <h2 id="stage-heading">Stage</h2>
      <ul className="stage-grid">
        {room.stage.map((m) => (
          <StageTile key={m.user.id} member={m} items={optionsFor(m.user, m)} />
        ))}
      </ul>
      <div className="reaction-layer" aria-hidden="true">
        {floating.map((f) => (
          <span key={f.id} className="floating-reaction" data-testid="floating-reaction" style={{ left: `${f.left}%` }}>
            {f.emoji}
          </span>
        ))}
      </div>
    </section>
  );
}

function Controls({
  me,
  room,
  myMember,
  isHost,
  invitation,
  handRaised,
  busy,
  run,
  react,
  error,
  note,
  clearNote,
}: {
  me: User | null;
  room: RoomState;
  myMember: StageMember | undefined;
  isHost: boolean;
  invitation: RoomState['invitations'][number] | undefined;
  handRaised: boolean;
  busy: boolean;
  run: Run;
  react: (emoji: Reaction) => void;
  error: unknown;
  note: string;
  clearNote: () => void;
}) {
  useEffect(() => {
    if (!note) return;
    const timer = setTimeout(clearNote, 4000);
    return () => clearTimeout(timer);
  }, [note, clearNote]);

  if (!me) {
    return (
      <div className="room-controls signed-out">
        <p>Sign in to raise your hand and react</p>
        <span className="actions">
          <Link href="/login" className="button small">
            Log in
          </Link>
          <Link href="/signup" className="button secondary small">
            Sign up
          </Link>
        </span>
      </div>
    );
  }

  const live = room.status === 'live';
  let main: ReactNode = null;
  if (room.status === 'created') {
    main = isHost ? (
      <button type="button" className="button" disabled={busy} onClick={() => run('start', {})}>
        Start
      </button>
    ) : (
      <p className="muted control-note">The host has not started this Space yet.</p>
    );
  } else if (myMember) {
    main = (
      <>
        <button
          type="button"
          className={myMember.muted ? 'button' : 'button secondary'}
          disabled={busy}
          onClick={() => run(myMember.muted ? 'unmute' : 'mute', { userId: me.id })}
        >
          {myMember.muted ? <MicOffIcon /> : <MicIcon />}
          {myMember.muted ? 'Unmute' : 'Mute'}
        </button>
        {!isHost && (
          <button type="button" className="button secondary" disabled={busy} onClick={() => run('leave-stage', {})}>
            Leave stage
          </button>
        )}
      </>
    );
  } else if (invitation) {
    main = (
      <>
        <span className="control-note">
          {room.host.displayName} invited you to {invitation.role === 'cohost' ? 'co-host' : 'speak'}
        </span>
        <button type="button" className="button" disabled={busy} onClick={() => run('accept-invite', {})}>
          Accept invitation
        </button>
        <button type="button" className="button secondary" disabled={busy} onClick={() => run('decline-invite', {})}>
          Decline
        </button>
      </>
    );
  } else if (handRaised) {
    main = (
      <>
        <span className="control-note">Your hand is raised</span>
        <button type="button" className="button secondary" disabled={busy} onClick={() => run('cancel-request', {})}>
          Cancel request
        </button>
      </>
    );
  } else if (room.speakerPolicy === 'invited') {
    main = <p className="muted control-note">Only people the host invites can speak.</p>;
  } else {
    main = (
      <button
        type="button"
        className="button"
        disabled={busy}
        onClick={() => run('request-speak', {}, 'Request sent to the hosts')}
      >
        <HandIcon /> Request to speak
      </button>
    );
  }

  return (
    <div className="room-controls">
      {(error || note) && (
        <div className="control-messages">
          <ErrorNote error={error} />
          {note && !error && (
            <p className="control-done" role="status">
              {note}
            </p>
          )}
        </div>
      )}
      {live && (
        <fieldset className="reaction-bar">
          <legend className="visually-hidden">Reactions</legend>
          {reactions.map((emoji) => (
            <button
              key={emoji}
              type="button"
              className="reaction-button"
              aria-label={`React ${emoji}`}
              onClick={() => react(emoji)}
            >
              {emoji}
            </button>
          ))}
        </fieldset>
      )}
      <div className="control-row">
        {main}
        {isHost && room.status !== 'ended' && (
          <button
            type="button"
            className="button danger-outline end-button"
            disabled={busy}
            onClick={() => {
              if (window.confirm('End this Space for everyone?')) void run('end', {});
            }}
          >
            End Space
          </button>
        )}
      </div>
    </div>
  );
}

function Final({ heading, children }: { heading: string; children?: ReactNode }) {
  return (
    <section className="card center" role="alert">
      <h1>{heading}</h1>
      {children}
      <p>
        <Link href="/" className="button">
          Go home
        </Link>
      </p>
    </section>
  );
}

export function SpaceRoomPage({ id }: { id: string }) {
  const { user } = useSession();
  const myId = user?.id ?? null;
  const [announcement, setAnnouncement] = useState('');
  const { floating, add } = useFloatingReactions();
  const ownPending = useRef(new Map<string, number>());
  const listenersRef = useRef<UserSummary[]>([]);
  const managesRef = useRef(false);

  const live = useSpace(
    id,
    myId,
    {
      onEvent: (event, before) => {
        const text = describe(event, before, listenersRef.current, myId, managesRef.current);
        if (text) setAnnouncement(text);
      },
      onReaction: (from, emoji) => {
        if (from.id === myId) {
          const pending = ownPending.current.get(emoji) ?? 0;
          if (pending > 0) {
            ownPending.current.set(emoji, pending - 1);
            return;
          }
        }
        add(emoji);
      },
    },
    user !== undefined,
  );
  listenersRef.current = live.listeners;
  managesRef.current =
    !!myId &&
    !!live.room &&
    (live.room.host.id === myId || live.room.stage.some((m) => m.user.id === myId && m.role === 'cohost'));
  useTitle(live.room?.title ?? 'Space');

  const react = async (emoji: Reaction) => {
    // Show it at once; the server's echo of our own reaction is then skipped.
    add(emoji);
    ownPending.current.set(emoji, (ownPending.current.get(emoji) ?? 0) + 1);
    try {
      await api.spaceCommand(id, 'react', { emoji });
    } catch (e) {
      ownPending.current.set(emoji, Math.max(0, (ownPending.current.get(emoji) ?? 0) - 1));
      throw e;
    }
  };

  // Session still loading: the socket waits so that it opens once, as the right person.
  if (user === undefined) return <Loading label="Connecting…" />;

  if (live.connection === 'not_found') {
    return (
      <Final heading="Space not found">
        <p className="muted">This Space does not exist, or it is no longer here.</p>
      </Final>
    );
  }
  if (live.connection === 'removed') {
    return (
      <Final heading="You were removed from this Space">
        <p className="muted">A host removed you. You cannot rejoin this Space.</p>
      </Final>
    );
  }
  if (live.connection === 'refused') {
    return (
      <Final heading="You can't join this Space">
        <p className="muted">{live.problem ?? 'You are not allowed in this Space.'}</p>
      </Final>
    );
  }
  if (!live.room) return <Loading label={live.connection === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'} />;

  const room = live.room;
  return (
    <>
      <Room live={{ ...live, room }} me={user} id={id} floating={floating} react={react} />
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="room-announcer">
        {announcement}
      </p>
      <RoomActivity text={announcement} />
    </>
  );
}

/** A visible echo of the last stage change, for sighted people (the live region above is for screen readers). */
function RoomActivity({ text }: { text: string }) {
  const [shown, setShown] = useState('');
  useEffect(() => {
    if (!text) return;
    setShown(text);
    const timer = setTimeout(() => setShown(''), 4000);
    return () => clearTimeout(timer);
  }, [text]);
  if (!shown) return null;
  return (
    <p className="room-activity" aria-hidden="true">
      {shown}
    </p>
  );
}
