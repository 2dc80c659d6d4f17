import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import { AppError } from '../http/errors';

/** An upload is at most this many bytes. */
export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
/** …and this many pixels on a side: a small file can declare a huge canvas (a decompression bomb). */
export const AVATAR_MAX_SIDE = 6000;
/** The stored picture: a square this many pixels wide, WebP. */
export const AVATAR_SIZE = 256;

export type ImageType = 'png' | 'jpeg' | 'webp';

/** What the bytes are, read from their first bytes (a file's name or Content-Type can say anything). */
export function sniff(bytes: Buffer): ImageType | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP')
    return 'webp';
  return null;
}

/**
 * Checks an uploaded picture and makes the stored one: turned upright by its EXIF orientation, cut
 * to a centred square of AVATAR_SIZE, WebP, with no metadata (sharp keeps none unless asked: EXIF,
 * GPS and the camera's name are gone). Throws a 4xx AppError for anything it will not take.
 */
export async function makeAvatar(bytes: Buffer): Promise<{ image: Buffer; version: string }> {
  if (bytes.length > AVATAR_MAX_BYTES)
    throw new AppError(413, 'image_too_large', `a picture is at most ${AVATAR_MAX_BYTES / 1024 / 1024} MB`);
  const type = sniff(bytes);
  if (!type) throw new AppError(415, 'unsupported_image', 'the file is not a PNG, JPEG or WebP image');
  // Decoding is refused above this many pixels before any is decoded (sharp reads the header first).
  const limitInputPixels = AVATAR_MAX_SIDE * AVATAR_MAX_SIDE;
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new AppError(422, 'invalid_image', `the ${type.toUpperCase()} image could not be read (is it damaged?)`);
  }
  if (meta.format !== type) throw new AppError(415, 'unsupported_image', 'the file is not a PNG, JPEG or WebP image');
  const { width = 0, height = 0 } = meta;
  if (width > AVATAR_MAX_SIDE || height > AVATAR_MAX_SIDE || (meta.pages ?? 1) > 1)
    throw new AppError(
      422,
      'image_dimensions',
      meta.pages && meta.pages > 1
        ? 'an animated picture cannot be a profile picture'
        : `the picture is ${width}×${height} pixels; at most ${AVATAR_MAX_SIDE}×${AVATAR_MAX_SIDE}`,
    );
  let image: Buffer;
  try {
    image = await sharp(bytes, { limitInputPixels, failOn: 'error' })
      .rotate()
      .resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover', position: 'attention' })
      .webp({ quality: 82 })
      .toBuffer();
  } catch {
    throw new AppError(422, 'invalid_image', `the ${type.toUpperCase()} image could not be read (is it damaged?)`);
  }
  return { image, version: createHash('sha256').update(image).digest('hex').slice(0, 20) };
}
