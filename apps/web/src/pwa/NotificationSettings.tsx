import type { PushKind, PushPreferences } from '@earshot/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAnnounce } from '../announcer';
import { ErrorNote } from '../components/Status';
import { SwitchField } from '../components/SwitchField';
import { currentPushState, needsHomeScreen, type PushState, pushApi, turnOffPush, turnOnPush } from './push';
import './notifications.css';

/** Settings → Notifications: Web Push on this browser, and which kinds to push (for every browser). */
export function NotificationSettings() {
  const announce = useAnnounce();
  const { t } = useTranslation();
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
      announce(next === 'on' ? t('push.settings.nowOn') : t(`push.settings.state.${next}.text`));
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

  return (
    <section className="card notification-settings" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">{t('notifications.title')}</h2>
      <div className="push-state" role="status" data-testid="push-state" data-state={state}>
        <span className={`push-badge push-${state}`}>{t(`push.settings.state.${state}.badge`)}</span>
        <span>{t(`push.settings.state.${state}.text`)}</span>
      </div>
      {state === 'unsupported' && needsHomeScreen() && <p className="hint">{t('push.settings.homeScreen')}</p>}
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
              {busy
                ? t('push.settings.oneMoment')
                : state === 'on'
                  ? t('push.settings.turnOff')
                  : t('push.settings.turnOn')}
            </button>
          </div>
          <p className="hint" id="push-device-hint">
            {t('push.settings.deviceHint')}
          </p>
        </>
      )}
      <fieldset className="push-kinds" disabled={!preferences}>
        <legend>{t('push.settings.notifyMeAbout')}</legend>
        {(preferences?.kinds ?? []).map(({ kind, enabled }) => (
          <SwitchField
            key={kind}
            label={t(`push.kinds.${kind}.label`)}
            hint={t(`push.kinds.${kind}.hint`)}
            checked={enabled}
            disabled={!preferences}
            onChange={(on) => setKind(kind, on)}
          />
        ))}
      </fieldset>
    </section>
  );
}
