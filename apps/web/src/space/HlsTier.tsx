import { useTranslation } from 'react-i18next';
import type { useHlsTier } from '../media/use-hls-tier';

/**
 * The delayed (LL-HLS) tier in the audio bar: "Listening with a delay (about N s)" while it plays,
 * and the listener's own switch between it and live audio.
 */
export function HlsTier({ tier, listening }: { tier: ReturnType<typeof useHlsTier>; listening: boolean }) {
  const { t } = useTranslation();
  if (!listening) return null;
  if (!tier.active)
    return (
      <button type="button" className="button ghost small" onClick={() => tier.choose(true)} title={t('room.hls.hint')}>
        {t('room.hls.use')}
      </button>
    );
  return (
    <span className="hls-tier" data-testid="hls-tier">
      <span className="audio-pill listen-delayed" role="status">
        <span className="dot" aria-hidden="true" />
        {tier.playing
          ? tier.delay
            ? t('room.hls.listeningAbout', { delay: tier.delay })
            : t('room.hls.listening')
          : t('room.hls.starting')}
      </span>
      {tier.fallback ? (
        <span className="hls-note">{t('room.hls.fallback')}</span>
      ) : (
        <button type="button" className="button ghost small" onClick={() => tier.choose(false)}>
          {t('room.hls.switchToLive')}
        </button>
      )}
    </span>
  );
}
