// Benchmark: share-card PNGs (1200×630, satori + resvg). Draws N different cards through the
// server's CardRenderer (a worker thread) and reports the time per card (cold start, then warm),
// a cached answer, and the longest stall of the main thread's event loop meanwhile; then draws the same cards on
// the main thread itself, to show what the worker spares the media path.
//   npm run bench:share-cards -- [cards=20]
import { spaceImage } from '../apps/server/src/share/card';
import { renderCard } from '../apps/server/src/share/render-worker';
import { CardRenderer } from '../apps/server/src/share/renderer';

const cards = Number(process.argv[2] ?? 20);
const card = (i: number) =>
  spaceImage({
    id: `s${i}`,
    title: `Benchmark Space number ${i}: a title long enough to wrap onto a second line`,
    topics: ['audio', 'bench'],
    host: { displayName: 'Bench Host', handle: 'bench' },
    status: 'live',
    listenerCount: i * 17,
  });
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;

async function run(label: string, draw: (i: number) => Promise<unknown>) {
  // The longest time the main thread went without a turn of its event loop (a 5 ms ticker's gaps).
  let last = performance.now();
  const gaps: number[] = [];
  const ticker = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 5);
  const t0 = performance.now();
  await draw(0);
  const cold = performance.now() - t0;
  const times: number[] = [];
  for (let i = 1; i <= cards; i++) {
    const t = performance.now();
    await draw(i);
    times.push(performance.now() - t);
  }
  clearInterval(ticker);
  gaps.push(performance.now() - last);
  console.log(
    `${label}: first ${cold.toFixed(0)} ms; then p50 ${pct(times, 0.5).toFixed(0)} ms, p95 ${pct(times, 0.95).toFixed(0)} ms per card; ` +
      `longest main-thread stall ${Math.max(...gaps).toFixed(0)} ms (p99 tick gap ${pct(gaps, 0.99).toFixed(0)} ms)`,
  );
}

const renderer = new CardRenderer();
await run('worker thread (the server)', (i) => renderer.render(card(i)));
const t = performance.now();
for (let i = 1; i <= cards; i++) await renderer.render(card(i));
console.log(`cached: ${((performance.now() - t) / cards).toFixed(2)} ms per card`);
await renderer.close();
await run('main thread (for comparison)', (i) => renderCard(card(i + 1000)));
