import { useState } from 'react';
import { avatarColor, initials } from '../format';

type Props = { handle: string; displayName: string; size?: 'sm' | 'md' | 'lg'; src?: string };

/** The person's picture, or a colored circle with their initials; decorative (the name is always next to it). */
export function Avatar({ handle, displayName, size = 'md', src }: Props) {
  // A picture replaced since this view was read is gone from the server: initials, not a broken image.
  const [failed, setFailed] = useState<string | null>(null);
  if (src && failed !== src)
    return (
      <img
        className={`avatar avatar-${size} avatar-image`}
        src={src}
        alt=""
        aria-hidden="true"
        loading="lazy"
        onError={() => setFailed(src)}
      />
    );
  return (
    <span className={`avatar avatar-${size}`} style={{ backgroundColor: avatarColor(handle) }} aria-hidden="true">
      {initials(displayName || handle)}
    </span>
  );
}
