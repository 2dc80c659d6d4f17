import { avatarColor, initials } from '../format';

type Props = { handle: string; displayName: string; size?: 'sm' | 'md' | 'lg' };

/** A colored circle with the person's initials; decorative (the name is always next to it). */
export function Avatar({ handle, displayName, size = 'md' }: Props) {
  return (
    <span className={`avatar avatar-${size}`} style={{ backgroundColor: avatarColor(handle) }} aria-hidden="true">
      {initials(displayName || handle)}
    </span>
  );
}
