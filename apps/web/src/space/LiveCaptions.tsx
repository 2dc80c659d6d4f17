import type { StageMember } from '@earshot/protocol';
import { useTranslation } from 'react-i18next';
import type { CaptionLine } from './use-live-captions';

/** Under a tile there is room for a few words (the box shows the newest lines); a bound on the rest. */
const TILE_CHARS = 140;
/** Two lines of the strip on a phone. */
const STRIP_CHARS = 110;

function tail(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(-max);
  const space = cut.indexOf(' ');
  return `…${space > 0 && space < 20 ? cut.slice(space + 1) : cut}`;
}

/**
 * What a stage member says now, under their name: a partial (dim, italic) until the final replaces
 * it; the final fades away a few seconds after. Members who did not agree to captions get a hint.
 */
export function StageCaption({ member, line }: { member: StageMember; line: CaptionLine | undefined }) {
  const { t } = useTranslation();
  if (!member.captions) {
    return (
      <span className="stage-caption none" data-testid="no-captions">
        {t('room.captions.none')}
      </span>
    );
  }
  if (!line?.caption.text.trim()) return <span className="stage-caption" />;
  const { caption } = line;
  return (
    <span
      // A new key restarts the fade when the final comes.
      key={`${caption.id}-${caption.final}`}
      className={caption.final ? 'stage-caption final' : 'stage-caption partial'}
      data-testid="stage-caption"
      data-final={caption.final}
    >
      <span className="caption-words">
        <span className="visually-hidden">{t('room.captions.says', { name: member.user.displayName })} </span>
        {tail(caption.text, TILE_CHARS)}
      </span>
    </span>
  );
}

/**
 * TV-style subtitles at the bottom of the screen, the two newest lines with who said them; shown
 * while the stage itself is scrolled out of view (so a line is never on screen twice). Screen
 * readers hear the finals from the announcer instead. Its room is kept while no line shows.
 */
export function CaptionStrip({ recent, stage }: { recent: CaptionLine[]; stage: StageMember[] }) {
  const lines = recent.filter((l) => l.caption.text.trim() && stage.some((m) => m.user.id === l.caption.userId));
  return (
    <div className="caption-strip" aria-hidden="true" data-testid="caption-strip">
      {lines.map(({ caption }) => (
        <p key={caption.id} className={caption.final ? 'strip-line final' : 'strip-line partial'}>
          <strong>{stage.find((m) => m.user.id === caption.userId)?.user.displayName}</strong>{' '}
          {tail(caption.text, STRIP_CHARS)}
        </p>
      ))}
    </div>
  );
}
