import { useState } from 'react';
import { avatarColor, initials } from '../format';

type Props = { handle: string; displayName: string; size?: 'sm' | 'md' | 'lg'; src?: string };

/**
 * The person's picture, or a colored circle with their initials; decorative (the name is always
 * next to it). The initials are drawn by CSS, like a picture: as text they became part of the
 * visible label of a chip or link ("FF Finn" for a button named "Options for Finn Fan").
 */
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
    <span
      className={`avatar avatar-${size}`}
      style={{ backgroundColor: avatarColor(handle) }}
      data-initials={initials(displayName || handle)}
      aria-hidden="true"
    />
  );
}
