// Benchmark: one signed-in listener floods its Space's socket with request-speak / cancel-request
// at 1,000 messages/s while a bystander hosts another Space (a command every 500 ms over HTTP)
// and a monitor reads /api/health every 100 ms. Reports both p99s, how many of the flood's
// commands ran, and how many events the flood stored.
//   npm run bench:flood -- [seconds=20] [RATE_LIMITS value, e.g. off]
import http from 'node:http';
import { WebSocket } from 'ws';
import { api, now, percentile, signup, sleep, startServer } from './harness';

/** A request from another loopback address: the bystander is not on the flooder's IP (its own budget). */
function request(method: string, url: string, cookie?: string, body?: unknown) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        localAddress: '127.0.0.2',
        headers: { ...(cookie && { cookie }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const seconds = Number(process.argv[2] ?? 20);
const limits = process.argv[3] ?? '';
const server = await startServer({ RATE_LIMITS: limits, CAPTIONS_ENGINE: 'off', MEDIA_PORT: '0' });
const { base } = server;
try {
  const host = await signup(base, 'flood_host');
  const floodSpace = (await api(base, 'POST', '/api/spaces', { title: 'Flooded' }, host)).body.space.id as string;
  await api(base, 'POST', `/api/spaces/${floodSpace}/start`, {}, host);
  const bystander = await signup(base, 'bystander');
  const bySpace = (await api(base, 'POST', '/api/spaces', { title: 'Elsewhere' }, bystander)).body.space.id as string;
  await api(base, 'POST', `/api/spaces/${bySpace}/start`, {}, bystander);
  const byId = (await api(base, 'GET', '/api/me', undefined, bystander)).body.user.id as string;
  const flooder = await signup(base, 'flooder');

  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/spaces/${floodSpace}/live`, {
    headers: { cookie: flooder },
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let acks = 0;
  let limited = 0;
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw));
    if (m.type === 'ack') acks += 1;
    if (m.type === 'error' && m.error.code === 'rate_limited') limited += 1;
  });
  const cpu0 = server.cpuSeconds();
  let sent = 0;
  const flood = setInterval(() => {
    for (let i = 0; i < 10; i++) {
      const name = sent % 2 === 0 ? 'request-speak' : 'cancel-request';
      ws.send(JSON.stringify({ type: 'command', id: String(sent), name, args: {} }));
      sent += 1;
    }
  }, 10);

  const commandMs: number[] = [];
  const healthMs: number[] = [];
  const end = Date.now() + seconds * 1000;
  const bystanderLoop = (async () => {
    for (let i = 0; Date.now() < end; i++) {
      const t = now();
      const path = `/api/spaces/${bySpace}/${i % 2 ? 'mute' : 'unmute'}`;
      const res = await request('POST', base + path, bystander, { userId: byId });
      if (res.status !== 200) throw new Error(`bystander command: ${res.status} ${res.text}`);
      commandMs.push(now() - t);
      await sleep(500);
    }
  })();
  const healthLoop = (async () => {
    while (Date.now() < end) {
      const t = now();
      await request('GET', `${base}/api/health`);
      healthMs.push(now() - t);
      await sleep(100);
    }
  })();
  await Promise.all([bystanderLoop, healthLoop]);
  clearInterval(flood);
  const cpu = server.cpuSeconds() - cpu0;
  await sleep(1000);
  const floodSeq = (await api(base, 'GET', `/api/spaces/${floodSpace}`)).body.seq as number;
  ws.close();
  const p = (list: number[], q: number) =>
    percentile(
      [...list].sort((a, b) => a - b),
      q,
    ).toFixed(1);
  console.log(
    JSON.stringify(
      {
        limits: limits || 'defaults',
        seconds,
        floodSent: sent,
        floodRate: Math.round(sent / seconds),
        floodAcked: acks,
        floodLimited: limited,
        eventsStoredByFlood: floodSeq - 1,
        bystanderCommands: commandMs.length,
        bystanderP50Ms: p(commandMs, 50),
        bystanderP99Ms: p(commandMs, 99),
        healthP50Ms: p(healthMs, 50),
        healthP99Ms: p(healthMs, 99),
        serverCpuSeconds: cpu.toFixed(1),
      },
      null,
      1,
    ),
  );
} finally {
  await server.stop();
}
