import type { useHlsTier } from '../media/use-hls-tier';

/**
 * The delayed (LL-HLS) tier in the audio bar: "Listening with a delay (about N s)" while it plays,
 * and the listener's own switch between it and live audio.
 */
export function HlsTier({ tier, listening }: { tier: ReturnType<typeof useHlsTier>; listening: boolean }) {
  if (!listening) return null;
  if (!tier.active)
    return (
      <button
        type="button"
        className="button ghost small"
        onClick={() => tier.choose(true)}
        title="A few seconds behind, but plays on networks that block live audio"
      >
        Use the delayed stream
      </button>
    );
  return (
    <span className="hls-tier" data-testid="hls-tier">
      <span className="audio-pill listen-delayed" role="status">
        <span className="dot" aria-hidden="true" />
        {tier.playing
          ? `Listening with a delay${tier.delay ? ` (about ${tier.delay} s)` : ''}`
          : 'Starting the delayed stream…'}
      </span>
      {tier.fallback ? (
        <span className="hls-note">Live audio could not connect; still trying.</span>
      ) : (
        <button type="button" className="button ghost small" onClick={() => tier.choose(false)}>
          Switch to live audio
        </button>
      )}
    </span>
  );
}
