// A load process for the LL-HLS origin benchmark: N clients each follow the live edge
// (bench/hls-follow.ts) and report how long each of their requests took.
//   node --import tsx bench/hls-clients.ts PLAYLIST_URL CLIENTS SECONDS
import { follow } from './hls-follow';

const [url = '', clients = '100', seconds = '20'] = process.argv.slice(2);
const until = performance.now() + Number(seconds) * 1000;
const parts: number[] = [];
const arrivals = new Map<string, number[]>();
let failures = 0;
const errors = new Map<string, number>();
await Promise.all(
  Array.from({ length: Number(clients) }, async (_, i) => {
    await new Promise((r) => setTimeout(r, (i % 100) * 10)); // joins spread over a second
    await follow(
      url,
      () => {},
      (_data, part, t) => {
        parts.push(t.arrivedAt - t.listedAt);
        const key = `${part.msn}.${part.index}`;
        const list = arrivals.get(key) ?? [];
        list.push(performance.timeOrigin + t.listedAt);
        arrivals.set(key, list);
      },
      () => performance.now() > until,
    ).catch((err: Error) => {
      failures++;
      const what = err.message.slice(0, 80);
      errors.set(what, (errors.get(what) ?? 0) + 1);
    });
  }),
);
process.send?.({ parts, arrivals: [...arrivals], failures, errors: [...errors] });
