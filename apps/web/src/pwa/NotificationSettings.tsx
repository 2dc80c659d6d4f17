import type { PushKind, PushPreferences } from '@earshot/protocol';
import { useEffect, useState } from 'react';
import { useAnnounce } from '../announcer';
import { ErrorNote } from '../components/Status';
import { SwitchField } from '../components/SwitchField';
import { currentPushState, needsHomeScreen, type PushState, pushApi, turnOffPush, turnOnPush } from './push';
import { pushKindLabels } from './push-kinds';
import './notifications.css';

const STATE_TEXT: Record<PushState | 'checking', { badge: string; text: string }> = {
  checking: { badge: 'Checking', text: 'Looking at what this browser allows…' },
  unsupported: { badge: 'Not available', text: 'This browser cannot show notifications from Earshot.' },
  blocked: {
    badge: 'Blocked',
    text: 'Notifications are blocked for Earshot in this browser. Allow them in the site settings (the icon beside the address), then come back here.',
  },
  off: {
    badge: 'Off',
    text: 'Get a notification when someone messages you or invites you to speak, even when Earshot is closed.',
  },
  on: { badge: 'On', text: 'This browser shows Earshot notifications, even when Earshot is closed.' },
};

/** Settings → Notifications: Web Push on this browser, and which kinds to push (for every browser). */
export function NotificationSettings() {
  const announce = useAnnounce();
  const [state, setState] = useState<PushState | 'checking'>('checking');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [preferences, setPreferences] = useState<PushPreferences | null>(null);

  useEffect(() => {
    let live = true;
    currentPushState()
      .then((s) => live && setState(s))
      .catch((e: unknown) => {
        if (!live) return;
        setState('off');
        setError(e);
      });
    pushApi
      .preferences()
      .then((p) => live && setPreferences(p))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, []);

  async function change(on: boolean) {
    setBusy(true);
    setError(null);
    try {
      const next = on ? await turnOnPush() : await turnOffPush();
      setState(next);
      announce(next === 'on' ? 'Notifications are on for this browser.' : STATE_TEXT[next].text);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function setKind(kind: PushKind, enabled: boolean) {
    if (!preferences) return;
    const before = preferences;
    setPreferences({ kinds: before.kinds.map((k) => (k.kind === kind ? { kind, enabled } : k)) });
    setError(null);
    try {
      setPreferences(await pushApi.setPreferences({ [kind]: enabled }));
    } catch (e) {
      setPreferences(before);
      setError(e);
    }
  }

  const { badge, text } = STATE_TEXT[state];
  return (
    <section className="card notification-settings" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      <div className="push-state" role="status" data-testid="push-state" data-state={state}>
        <span className={`push-badge push-${state}`}>{badge}</span>
        <span>{text}</span>
      </div>
      {state === 'unsupported' && needsHomeScreen() && (
        <p className="hint">
          On an iPhone or iPad, add Earshot to your Home Screen first (Share, then “Add to Home Screen”), open it from
          there and turn notifications on in its settings.
        </p>
      )}
      <ErrorNote error={error} />
      {(state === 'off' || state === 'on') && (
        <>
          <div className="actions">
            <button
              type="button"
              className={state === 'on' ? 'button secondary' : 'button'}
              onClick={() => change(state !== 'on')}
              disabled={busy}
              aria-describedby="push-device-hint"
            >
              {busy ? 'One moment…' : state === 'on' ? 'Turn off on this browser' : 'Turn on notifications'}
            </button>
          </div>
          <p className="hint" id="push-device-hint">
            Each browser or phone is turned on by itself; the choices below count for all of them.
          </p>
        </>
      )}
      <fieldset className="push-kinds" disabled={!preferences}>
        <legend>Notify me about</legend>
        {(preferences?.kinds ?? []).map(({ kind, enabled }) => (
          <SwitchField
            key={kind}
            label={pushKindLabels[kind].label}
            hint={pushKindLabels[kind].hint}
            checked={enabled}
            disabled={!preferences}
            onChange={(on) => setKind(kind, on)}
          />
        ))}
      </fieldset>
    </section>
  );
}
