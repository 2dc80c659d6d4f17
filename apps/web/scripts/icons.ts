/**
 * Draws the app's PNG icons from public/icons/*.svg (run after changing them:
 * `node --import tsx apps/web/scripts/icons.ts`). The PNGs are committed: the build needs no renderer.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';

const dir = path.join(import.meta.dirname, '../public/icons');
const draw = (svg: string, size: number, out: string) => {
  const png = new Resvg(readFileSync(path.join(dir, svg), 'utf8'), { fitTo: { mode: 'width', value: size } })
    .render()
    .asPng();
  writeFileSync(path.join(dir, out), png);
};
draw('icon.svg', 192, 'icon-192.png');
draw('icon.svg', 512, 'icon-512.png');
draw('maskable.svg', 192, 'maskable-192.png');
draw('maskable.svg', 512, 'maskable-512.png');
draw('badge.svg', 96, 'badge-96.png');
// iOS rounds the corners itself and wants no transparency.
draw('maskable.svg', 180, 'apple-touch-icon.png');
