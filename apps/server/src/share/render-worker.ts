import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';
import satori from 'satori';
import type { CardImage } from './card';

/**
 * Draws share cards (1200×630 PNG) off the main thread: satori lays the card out as SVG (its first
 * run takes most of a second), resvg rasterizes it. Fonts come from the @fontsource/inter package.
 */
const require = createRequire(import.meta.url);
const font = (subset: string, weight: 400 | 700) => ({
  name: 'Inter',
  weight,
  style: 'normal' as const,
  data: readFileSync(require.resolve(`@fontsource/inter/files/inter-${subset}-${weight}-normal.woff`)),
});
const fonts = ['latin', 'latin-ext', 'cyrillic', 'greek'].flatMap((s) => [font(s, 400), font(s, 700)]);

/**
 * Emoji as Twemoji pictures (@twemoji/svg; file names as Twemoji's own code makes them: code
 * points in hex, without VS16 unless the emoji has a zero-width joiner). Scripts Inter lacks (CJK,
 * Arabic, Hebrew…) show as boxes: their fonts are tens of megabytes.
 */
const twemojiDir = path.dirname(require.resolve('@twemoji/svg/package.json'));
function emoji(segment: string): string {
  const text = segment.includes('\u200d') ? segment : segment.replaceAll('\ufe0f', '');
  const name = [...text].map((c) => (c.codePointAt(0) as number).toString(16)).join('-');
  try {
    return `data:image/svg+xml;base64,${readFileSync(path.join(twemojiDir, `${name}.svg`)).toString('base64')}`;
  } catch {
    return '';
  }
}
const loadAdditionalAsset = async (code: string, segment: string) => (code === 'emoji' ? emoji(segment) : []);

type Style = Record<string, string | number>;
type Node = { type: string; props: { style: Style; children?: Child | Child[] } };
type Child = Node | string;
const h = (style: Style, ...children: Child[]): Node => ({
  type: 'div',
  props: { style: { display: 'flex', ...style }, children },
});

const PURPLE = '#7c3aed';
const initial = (name: string) => [...name.trim()][0]?.toUpperCase() ?? '?';

const brand = () =>
  h(
    { alignItems: 'center', gap: 16, fontSize: 34, fontWeight: 700, color: '#ede9fe' },
    h({ width: 44, height: 44, borderRadius: 999, background: '#a78bfa', border: '6px solid #ede9fe' }),
    'Earshot',
  );

/** The card itself: 1200×630, the brand's gradient, rows spread from top to bottom. */
const frame = (...rows: Child[]) =>
  h(
    {
      width: 1200,
      height: 630,
      boxSizing: 'border-box',
      flexDirection: 'column',
      justifyContent: 'space-between',
      padding: '56px 72px',
      backgroundImage: 'linear-gradient(135deg, #2e1065 0%, #5b21b6 60%, #7c3aed 100%)',
      color: '#ffffff',
      fontFamily: 'Inter',
    },
    ...rows,
  );

const avatar = (name: string, size: number) =>
  h(
    {
      width: size,
      height: size,
      borderRadius: size / 2,
      background: '#ede9fe',
      color: PURPLE,
      alignItems: 'center',
      justifyContent: 'center',
      fontSize: size * 0.5,
      fontWeight: 700,
    },
    initial(name),
  );

function spaceCard(c: Extract<CardImage, { kind: 'space' }>): Node {
  const badge = h(
    {
      alignItems: 'center',
      gap: 12,
      padding: '10px 24px',
      borderRadius: 999,
      fontSize: 28,
      fontWeight: 700,
      letterSpacing: 2,
      background: c.live ? '#dc2626' : 'rgba(255,255,255,0.16)',
      color: '#ffffff',
    },
    ...(c.live ? [h({ width: 16, height: 16, borderRadius: 8, background: '#ffffff' })] : []),
    c.badge,
  );
  return frame(
    h({ justifyContent: 'space-between', alignItems: 'center' }, brand(), badge),
    h(
      { flexDirection: 'column', gap: 24 },
      h({ fontSize: c.title.length > 40 ? 60 : 72, fontWeight: 700, lineHeight: 1.15, lineClamp: 3 }, c.title),
      h(
        { gap: 12, flexWrap: 'wrap' },
        ...c.topics.map((t) =>
          h({ padding: '6px 18px', borderRadius: 999, border: '2px solid #c4b5fd', color: '#ede9fe', fontSize: 26 }, t),
        ),
      ),
    ),
    h(
      { justifyContent: 'space-between', alignItems: 'center', fontSize: 30 },
      h(
        { alignItems: 'center', gap: 20 },
        avatar(c.host, 72),
        h(
          { flexDirection: 'column' },
          h({ fontWeight: 700 }, c.host),
          h({ color: '#c4b5fd', fontSize: 26 }, `@${c.handle} · host`),
        ),
      ),
      h({ color: '#ede9fe', fontWeight: 700 }, c.detail),
    ),
  );
}

function profileCard(c: Extract<CardImage, { kind: 'profile' }>): Node {
  return frame(
    brand(),
    h(
      { alignItems: 'center', gap: 40 },
      avatar(c.displayName, 180),
      h(
        { flexDirection: 'column', gap: 8, flex: 1 },
        h({ fontSize: 64, fontWeight: 700, lineClamp: 1 }, c.displayName),
        h({ fontSize: 34, color: '#c4b5fd' }, `@${c.handle}`),
        ...(c.bio ? [h({ fontSize: 30, color: '#ede9fe', lineClamp: 2, marginTop: 12 }, c.bio)] : []),
      ),
    ),
    h({ fontSize: 30, fontWeight: 700, color: '#ede9fe' }, c.detail),
  );
}

export async function renderCard(card: CardImage): Promise<Uint8Array> {
  const tree = card.kind === 'space' ? spaceCard(card) : profileCard(card);
  // biome-ignore lint/suspicious/noExplicitAny: satori takes React elements; this plain tree is their shape.
  const svg = await satori(tree as any, { width: 1200, height: 630, fonts, loadAdditionalAsset });
  return new Resvg(svg, { fitTo: { mode: 'original' } }).render().asPng();
}

parentPort?.on('message', async (m: { id: number; card: CardImage }) => {
  try {
    const png = await renderCard(m.card);
    parentPort?.postMessage({ id: m.id, png });
  } catch (err) {
    parentPort?.postMessage({ id: m.id, error: (err as Error).message ?? String(err) });
  }
});
