import type { SpeakerPolicy } from '@earshot/protocol';
import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { ApiError, api } from '../api';
import { SignInPrompt } from '../components/SignInPrompt';
import { ErrorNote, Loading } from '../components/Status';
import { fromLocalInput, localInputValue } from '../format';
import { useSession } from '../session';
import { emptyPrice, PriceFields, readPrice } from '../tickets/PriceFields';
import { useTitle } from '../use-title';

export const TITLE_LIMIT = 70;
const TOPIC_LIMIT = 30;
const MAX_TOPICS = 3;
/** The server's defaults (SCHEDULE_MAX_DAYS); it judges the time itself and says why it refuses one. */
const SCHEDULE_DAYS = 30;
const DAY_MS = 24 * 60 * 60_000;

const policies: { value: SpeakerPolicy; label: string; hint: string }[] = [
  { value: 'everyone', label: 'Everyone', hint: 'Anyone listening can request to speak.' },
  { value: 'following', label: 'People you follow', hint: 'Only people you follow can request to speak.' },
  { value: 'invited', label: 'Only people you invite', hint: 'Nobody can request; you invite speakers.' },
];

/** "music, Jazz ,, music" → ["music", "Jazz"]: trimmed, no empties, no duplicates (case-insensitive). */
export function parseTopics(text: string): string[] {
  const seen = new Set<string>();
  const topics: string[] = [];
  for (const raw of text.split(',')) {
    const topic = raw.trim().replace(/^#/, '');
    if (!topic || seen.has(topic.toLowerCase())) continue;
    seen.add(topic.toLowerCase());
    topics.push(topic);
  }
  return topics;
}

function NewSpaceForm() {
  const [, navigate] = useLocation();
  const [title, setTitle] = useState('');
  const [topicText, setTopicText] = useState('');
  const [speakerPolicy, setSpeakerPolicy] = useState<SpeakerPolicy>('everyone');
  const [captions, setCaptions] = useState(false);
  const [price, setPrice] = useState(emptyPrice);
  const { ticketing, problem: priceProblem } = readPrice(price);
  const [when, setWhen] = useState<'now' | 'later'>('now');
  // An hour from now, to the minute, as a first suggestion.
  const [at, setAt] = useState(() =>
    localInputValue(new Date(Math.ceil((Date.now() + 60 * 60_000) / 60_000) * 60_000)),
  );
  const [busy, setBusy] = useState<'creating' | 'starting' | null>(null);
  const [error, setError] = useState<unknown>(null);

  const left = TITLE_LIMIT - title.length;
  const topics = parseTopics(topicText);
  const topicProblem =
    topics.length > MAX_TOPICS
      ? `At most ${MAX_TOPICS} topics.`
      : topics.some((t) => t.length > TOPIC_LIMIT)
        ? `A topic has at most ${TOPIC_LIMIT} characters.`
        : null;
  const scheduledFor = when === 'later' ? fromLocalInput(at) : '';
  const timeProblem =
    when !== 'later'
      ? null
      : !scheduledFor
        ? 'Pick a date and time.'
        : Date.parse(scheduledFor) <= Date.now()
          ? 'That time has passed: pick a later one.'
          : Date.parse(scheduledFor) > Date.now() + SCHEDULE_DAYS * DAY_MS
            ? `At most ${SCHEDULE_DAYS} days ahead.`
            : null;
  const canStart = title.trim().length > 0 && left >= 0 && !topicProblem && !timeProblem && !priceProblem && !busy;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!canStart) return;
    setError(null);
    let id: string | null = null;
    try {
      setBusy('creating');
      ({
        space: { id },
      } = await api.createSpace({
        title: title.trim(),
        topics,
        speakerPolicy,
        captions,
        ticketing,
        ...(when === 'later' && { scheduledFor }),
      }));
      // A ticketed Space sells before it starts, a scheduled one waits for its time: the host starts it from its page.
      if (ticketing || when === 'later') return navigate(`/spaces/${id}`);
      setBusy('starting');
      await api.spaceCommand(id, 'start', {});
      navigate(`/spaces/${id}`);
    } catch (e) {
      setBusy(null);
      // Created but not started: the room has its own Start button.
      if (id) navigate(`/spaces/${id}`);
      else setError(e);
    }
  }

  const notEligible = error instanceof ApiError && error.code === 'not_eligible';

  return (
    <form className="card form new-space" onSubmit={submit} noValidate aria-labelledby="new-space-heading">
      <h1 id="new-space-heading">Start a Space</h1>
      <div className="field">
        <label htmlFor="space-title">Title</label>
        <input
          id="space-title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          placeholder="What do you want to talk about?"
          aria-describedby="space-title-count"
          aria-invalid={left < 0 || undefined}
          required
          autoComplete="off"
        />
        <small id="space-title-count" className={left < 0 ? 'counter over' : left <= 10 ? 'counter near' : 'counter'}>
          {left < 0 ? `${-left} characters over the limit` : `${left} characters left`}
        </small>
      </div>

      <div className="field">
        <label htmlFor="space-topics">Topics</label>
        <input
          id="space-topics"
          value={topicText}
          onChange={(e) => setTopicText(e.target.value)}
          placeholder="e.g. music, jazz, live"
          aria-describedby="space-topics-hint"
          aria-invalid={!!topicProblem || undefined}
          autoComplete="off"
        />
        <small id="space-topics-hint" className={topicProblem ? 'counter over' : 'hint'}>
          {topicProblem ?? `Up to ${MAX_TOPICS}, separated by commas.`}
        </small>
        {topics.length > 0 && (
          <ul className="topics" aria-label="Topics to add">
            {topics.map((t) => (
              <li key={t} className={t.length > TOPIC_LIMIT ? 'chip over' : 'chip'}>
                {t}
              </li>
            ))}
          </ul>
        )}
      </div>

      <fieldset className="field radio-group">
        <legend>Who can speak</legend>
        {policies.map((p) => (
          <label key={p.value} className="choice">
            <input
              type="radio"
              name="speakerPolicy"
              value={p.value}
              checked={speakerPolicy === p.value}
              onChange={() => setSpeakerPolicy(p.value)}
            />
            <span>
              <span className="choice-label">{p.label}</span>
              <span className="hint">{p.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>

      <label className="choice">
        <input type="checkbox" checked={captions} onChange={(e) => setCaptions(e.target.checked)} />
        <span>
          <span className="choice-label">Captions</span>
          <span className="hint">Show live captions of what speakers say.</span>
        </span>
      </label>

      <PriceFields value={price} onChange={setPrice} />
      <fieldset className="field radio-group">
        <legend>When</legend>
        <label className="choice">
          <input type="radio" name="when" value="now" checked={when === 'now'} onChange={() => setWhen('now')} />
          <span>
            <span className="choice-label">Now</span>
            <span className="hint">Go live as soon as it is made.</span>
          </span>
        </label>
        <label className="choice">
          <input type="radio" name="when" value="later" checked={when === 'later'} onChange={() => setWhen('later')} />
          <span>
            <span className="choice-label">Schedule for later</span>
            <span className="hint">Up to {SCHEDULE_DAYS} days ahead. People can set a reminder.</span>
          </span>
        </label>
        {when === 'later' && (
          <div className="field schedule-at">
            <label htmlFor="space-at">Date and time</label>
            <input
              id="space-at"
              type="datetime-local"
              value={at}
              min={localInputValue(new Date())}
              max={localInputValue(new Date(Date.now() + SCHEDULE_DAYS * DAY_MS))}
              onChange={(e) => setAt(e.target.value)}
              aria-describedby="space-at-hint"
              aria-invalid={!!timeProblem || undefined}
              required
            />
            <small id="space-at-hint" className={timeProblem ? 'counter over' : 'hint'}>
              {timeProblem ?? `Your time (${Intl.DateTimeFormat().resolvedOptions().timeZone}).`}
            </small>
          </div>
        )}
      </fieldset>

      <ErrorNote error={error}>{notEligible && <span>Hosting opens up as more people follow you.</span>}</ErrorNote>
      <div className="actions">
        <button type="submit" className="button" disabled={!canStart}>
          {busy === 'creating'
            ? 'Creating…'
            : busy === 'starting'
              ? 'Starting…'
              : when === 'later'
                ? 'Schedule'
                : ticketing
                  ? 'Create and sell tickets'
                  : 'Start now'}
        </button>
      </div>
    </form>
  );
}

export function NewSpacePage() {
  const { user } = useSession();
  useTitle('Start a Space');
  if (user === undefined) return <Loading />;
  if (!user) return <SignInPrompt heading="Sign in to start a Space" />;
  return <NewSpaceForm />;
}
