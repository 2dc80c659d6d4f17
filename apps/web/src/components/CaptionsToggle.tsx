import { useTranslation } from 'react-i18next';

export const CcMark = () => (
  <span className="cc-mark" aria-hidden="true">
    CC
  </span>
);

/** The viewer's own choice to read captions: in a live room (remembered) and in a replay. */
export function CaptionsToggle({ on, setOn }: { on: boolean; setOn: (on: boolean) => void }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      className="button secondary small toggle cc-button"
      aria-pressed={on}
      onClick={() => setOn(!on)}
      data-testid="captions-toggle"
      title={on ? t('captions.hide') : t('captions.show')}
    >
      <CcMark /> <span className="cc-label">{t('captions.label')}</span>
    </button>
  );
}
