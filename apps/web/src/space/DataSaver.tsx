/**
 * "Data saver": listen to one mixed stream of the stage instead of a stream per speaker (less
 * data, no per-speaker volume). Big rooms use the mix anyway; the note says so.
 */
export function DataSaver({ on, set, bigRoom }: { on: boolean; set: (on: boolean) => void; bigRoom: boolean }) {
  return (
    <div className="data-saver">
      <label>
        <input type="checkbox" checked={on} onChange={(e) => set(e.target.checked)} /> Data saver
      </label>
      <span className="data-saver-note">
        {on || bigRoom
          ? `One mixed stream${bigRoom && !on ? ' (a big room)' : ''}: no volume per speaker.`
          : 'Off: each speaker is a stream of their own.'}
      </span>
    </div>
  );
}
