import type { StageMember } from '@earshot/protocol';
import { useId, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { api } from '../api';
import { CcMark } from '../components/CaptionsToggle';
import { SwitchField } from '../components/SwitchField';
import { useLoad } from '../use-load';
import type { Run } from './types';

/** A stage member's consent, to change at any time. */
export function CaptionMeToggle({
  member,
  busy,
  run,
  answered,
}: {
  member: StageMember;
  busy: boolean;
  run: Run;
  answered: () => void;
}) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      className="button secondary small toggle"
      aria-pressed={member.captions}
      disabled={busy}
      onClick={() => {
        answered();
        void run('captions-consent', { consent: !member.captions });
      }}
      data-testid="caption-me"
    >
      <span className="toggle-check" aria-hidden="true">
        ✓
      </span>
      {t('room.captions.me')}
    </button>
  );
}

/** Asked once per Space of someone on stage while captions are on, without stopping them. */
export function CaptionsConsent({ busy, run, answered }: { busy: boolean; run: Run; answered: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <section className="captions-ask" aria-labelledby={`${id}-ask`} data-testid="captions-consent">
      <p id={`${id}-ask`}>
        <CcMark /> <Trans i18nKey="room.captions.ask" components={{ strong: <strong /> }} />
      </p>
      <div className="actions">
        <button
          type="button"
          className="button small"
          disabled={busy}
          onClick={() => {
            answered();
            void run('captions-consent', { consent: true });
          }}
        >
          {t('room.captions.allow')}
        </button>
        <button type="button" className="button secondary small" onClick={answered}>
          {t('room.captions.notNow')}
        </button>
      </div>
    </section>
  );
}

/** Hosts and co-hosts: captions on or off for everyone; says so when the server cannot caption. */
export function CaptionsSwitch({ enabled, run }: { enabled: boolean; run: Run }) {
  const { t } = useTranslation();
  const info = useLoad('captions-info', () => api.captionsInfo());
  // Unknown (not loaded, or an older server): let them try; the server has the last word.
  const problem = info.state === 'ready' && info.data.engine === null ? (info.data.problem ?? 'unavailable') : null;
  const [pending, setPending] = useState<boolean | null>(null);
  const on = pending ?? enabled;
  const toggle = async (value: boolean) => {
    setPending(value);
    await run('set-captions', { enabled: value });
    setPending(null);
  };
  return (
    <SwitchField
      className="captions-switch"
      label={t('room.captions.switch')}
      checked={on}
      disabled={pending !== null || (!on && problem !== null)}
      onChange={(value) => void toggle(value)}
      hint={problem && t('room.captions.problem', { problem })}
      hintClass="captions-problem"
      hintTestId="captions-problem"
    />
  );
}
