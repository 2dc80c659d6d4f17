import { useTranslation } from 'react-i18next';

/**
 * "Data saver": listen to one mixed stream of the stage instead of a stream per speaker (less
 * data, no per-speaker volume). Big rooms use the mix anyway; the note says so.
 */
export function DataSaver({ on, set, bigRoom }: { on: boolean; set: (on: boolean) => void; bigRoom: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="data-saver">
      <label>
        <input type="checkbox" checked={on} onChange={(e) => set(e.target.checked)} /> {t('room.dataSaver.label')}
      </label>
      <span className="data-saver-note">
        {on || bigRoom
          ? bigRoom && !on
            ? t('room.dataSaver.bigRoom')
            : t('room.dataSaver.on')
          : t('room.dataSaver.off')}
      </span>
    </div>
  );
}
