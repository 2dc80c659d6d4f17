import type { SpeakerPolicy } from '@earshot/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
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

const policies: SpeakerPolicy[] = ['everyone', 'following', 'invited'];

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
  const { t } = useTranslation();
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
      ? t('newSpace.tooManyTopics', { count: MAX_TOPICS })
      : topics.some((topic) => topic.length > TOPIC_LIMIT)
        ? t('newSpace.topicTooLong', { count: TOPIC_LIMIT })
        : null;
  const scheduledFor = when === 'later' ? fromLocalInput(at) : '';
  const timeProblem =
    when !== 'later'
      ? null
      : !scheduledFor
        ? t('newSpace.pickTime')
        : Date.parse(scheduledFor) <= Date.now()
          ? t('newSpace.timePassed')
          : Date.parse(scheduledFor) > Date.now() + SCHEDULE_DAYS * DAY_MS
            ? t('newSpace.tooFar', { count: SCHEDULE_DAYS })
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
      <h1 id="new-space-heading">{t('home.startSpace')}</h1>
      <div className="field">
        <label htmlFor="space-title">{t('newSpace.title')}</label>
        <input
          id="space-title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          placeholder={t('newSpace.titlePlaceholder')}
          aria-describedby="space-title-count"
          aria-invalid={left < 0 || undefined}
          required
          autoComplete="off"
        />
        <small id="space-title-count" className={left < 0 ? 'counter over' : left <= 10 ? 'counter near' : 'counter'}>
          {left < 0 ? t('posts.over', { count: -left }) : t('settings.charactersLeft', { count: left })}
        </small>
      </div>

      <div className="field">
        <label htmlFor="space-topics">{t('space.topics')}</label>
        <input
          id="space-topics"
          value={topicText}
          onChange={(e) => setTopicText(e.target.value)}
          placeholder={t('newSpace.topicsPlaceholder')}
          aria-describedby="space-topics-hint"
          aria-invalid={!!topicProblem || undefined}
          autoComplete="off"
        />
        <small id="space-topics-hint" className={topicProblem ? 'counter over' : 'hint'}>
          {topicProblem ?? t('newSpace.topicsHint', { count: MAX_TOPICS })}
        </small>
        {topics.length > 0 && (
          <ul className="topics" aria-label={t('newSpace.topicsToAdd')}>
            {topics.map((topic) => (
              <li key={topic} className={topic.length > TOPIC_LIMIT ? 'chip over' : 'chip'}>
                {topic}
              </li>
            ))}
          </ul>
        )}
      </div>

      <fieldset className="field radio-group">
        <legend>{t('newSpace.whoCanSpeak')}</legend>
        {policies.map((p) => (
          <label key={p} className="choice">
            <input
              type="radio"
              name="speakerPolicy"
              value={p}
              checked={speakerPolicy === p}
              onChange={() => setSpeakerPolicy(p)}
            />
            <span>
              <span className="choice-label">{t(`newSpace.policy.${p}.label`)}</span>
              <span className="hint">{t(`newSpace.policy.${p}.hint`)}</span>
            </span>
          </label>
        ))}
      </fieldset>

      <label className="choice">
        <input type="checkbox" checked={captions} onChange={(e) => setCaptions(e.target.checked)} />
        <span>
          <span className="choice-label">{t('captions.label')}</span>
          <span className="hint">{t('newSpace.captionsHint')}</span>
        </span>
      </label>

      <PriceFields value={price} onChange={setPrice} />
      <fieldset className="field radio-group">
        <legend>{t('newSpace.when')}</legend>
        <label className="choice">
          <input type="radio" name="when" value="now" checked={when === 'now'} onChange={() => setWhen('now')} />
          <span>
            <span className="choice-label">{t('newSpace.now')}</span>
            <span className="hint">{t('newSpace.nowHint')}</span>
          </span>
        </label>
        <label className="choice">
          <input type="radio" name="when" value="later" checked={when === 'later'} onChange={() => setWhen('later')} />
          <span>
            <span className="choice-label">{t('newSpace.later')}</span>
            <span className="hint">{t('newSpace.laterHint', { count: SCHEDULE_DAYS })}</span>
          </span>
        </label>
        {when === 'later' && (
          <div className="field schedule-at">
            <label htmlFor="space-at">{t('newSpace.dateTime')}</label>
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
              {timeProblem ?? t('newSpace.yourTime', { zone: Intl.DateTimeFormat().resolvedOptions().timeZone })}
            </small>
          </div>
        )}
      </fieldset>

      <ErrorNote error={error}>{notEligible && <span>{t('newSpace.notEligible')}</span>}</ErrorNote>
      <div className="actions">
        <button type="submit" className="button" disabled={!canStart}>
          {busy === 'creating'
            ? t('newSpace.creating')
            : busy === 'starting'
              ? t('newSpace.starting')
              : when === 'later'
                ? t('newSpace.schedule')
                : ticketing
                  ? t('newSpace.sellTickets')
                  : t('newSpace.startNow')}
        </button>
      </div>
    </form>
  );
}

export function NewSpacePage() {
  const { user } = useSession();
  const { t } = useTranslation();
  useTitle(t('home.startSpace'));
  if (user === undefined) return <Loading />;
  if (!user) return <SignInPrompt heading={t('newSpace.signIn')} />;
  return <NewSpaceForm />;
}
