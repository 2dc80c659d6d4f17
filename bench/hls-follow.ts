// An LL-HLS client that follows the live edge like hls.js in low-latency mode: a blocking
// playlist reload for the next part (`_HLS_msn`/`_HLS_part`), then that part. Shared by the
// latency benchmark (which decodes what it gets) and the load clients (which only count).
// Plain node:http with keep-alive: fetch costs the load clients several times more CPU per
// request, and they share the server's 2 cores.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

/** GET with a kept-alive connection: status and body. */
export function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

const PART = /#EXT-X-PART:[^\n]*URI="([^"]*part-(\d+)\.(\d+)\.m4s)"/g;

export interface Followed {
  uri: string;
  msn: number;
  index: number;
}

/** The parts a playlist lists, oldest first, and its init segment. */
export function parse(text: string) {
  const parts: Followed[] = [...text.matchAll(PART)].map((m) => ({
    uri: m[1] as string,
    msn: Number(m[2]),
    index: Number(m[3]),
  }));
  const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(text)?.[1];
  return { parts, init, ended: text.includes('#EXT-X-ENDLIST') };
}

/**
 * Follows `playlistUrl` from its newest part; `onPart` gets each new part's bytes (in order) and
 * the time its playlist answered and its bytes arrived. Stops when `stop()` is true or the stream ends.
 */
export async function follow(
  playlistUrl: string,
  onInit: (data: Buffer) => void,
  onPart: (data: Buffer, part: Followed, timing: { listedAt: number; arrivedAt: number; askedAt: number }) => void,
  stop: () => boolean,
  headers: Record<string, string> = {},
) {
  const base = playlistUrl.replace(/[^/]*$/, '');
  let text = '';
  for (let i = 0; i < 100; i++) {
    const res = await get(playlistUrl, headers);
    text = res.body.toString();
    if (res.status === 200 && parse(text).parts.length > 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const first = parse(text);
  if (!first.init) throw new Error(`no init segment in\n${text}`);
  onInit((await get(base + first.init, headers)).body);
  let last = first.parts.at(-1) as Followed;
  onPart((await get(base + last.uri, headers)).body, last, {
    listedAt: performance.now(),
    arrivedAt: performance.now(),
    askedAt: performance.now(),
  });
  while (!stop()) {
    const [msn, index] = last.index >= 4 ? [last.msn + 1, 0] : [last.msn, last.index + 1];
    const askedAt = performance.now();
    const res = await get(`${playlistUrl}?_HLS_msn=${msn}&_HLS_part=${index}`, headers);
    const body = res.body.toString();
    const listedAt = performance.now();
    if (res.status === 503) continue;
    if (res.status !== 200) throw new Error(`playlist ${res.status}: ${body}`);
    const now = parse(body);
    if (now.ended) return;
    const next = now.parts.find((p) => p.msn === msn && p.index === index);
    if (!next) {
      // Fell out of the window (a slow client): jump to the newest part.
      last = now.parts.at(-1) ?? last;
      continue;
    }
    const data = (await get(base + next.uri, headers)).body;
    onPart(data, next, { listedAt, arrivedAt: performance.now(), askedAt });
    last = next;
  }
}
