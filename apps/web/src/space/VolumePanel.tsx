import type { StageMember } from '@earshot/protocol';
import { useTranslation } from 'react-i18next';
import { VolumeIcon } from '../components/Icons';
import type { Volumes } from '../media/use-listener';

/** A volume slider per speaker (not for yourself: you never hear your own voice). */
export function VolumePanel({
  stage,
  myId,
  volumes,
  setVolume,
}: {
  stage: StageMember[];
  myId: string | null;
  volumes: Volumes;
  setVolume: (userId: string, volume: number) => void;
}) {
  const { t } = useTranslation();
  const others = stage.filter((m) => m.user.id !== myId);
  if (others.length === 0) return null;
  return (
    <details className="volume-panel">
      <summary>
        <VolumeIcon /> {t('room.volume.title')}
      </summary>
      <ul>
        {others.map((m) => {
          const percent = Math.round((volumes[m.user.id] ?? 1) * 100);
          const id = `volume-${m.user.id}`;
          return (
            <li key={m.user.id}>
              <label htmlFor={id}>{m.user.displayName}</label>
              <input
                id={id}
                type="range"
                min={0}
                max={100}
                step={5}
                value={percent}
                aria-valuetext={percent === 0 ? t('room.volume.silent') : `${percent}%`}
                onChange={(e) => setVolume(m.user.id, Number(e.target.value) / 100)}
              />
              <span className="volume-value" aria-hidden="true">
                {percent}%
              </span>
            </li>
          );
        })}
      </ul>
    </details>
  );
}
