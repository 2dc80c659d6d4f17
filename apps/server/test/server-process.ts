import { type ChildProcess, spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testEnv } from './helpers';

const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/main.ts');

/**
 * The real server as a process of its own (`node --import tsx main.ts`), for what only a process
 * shows: signals, kills, restarts, its stdout/stderr. Env as testEnv's, logging at `info` in JSON.
 */
export async function spawnServer(env: Record<string, string>) {
  const port = await freePort();
  const { env: base } = await testEnv({ LOG_LEVEL: 'info', ...env, PORT: String(port) });
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', main], {
    env: base,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk) => {
    const lines = (partial + String(chunk)).split('\n');
    partial = lines.pop() ?? '';
    stdout.push(...lines.filter(Boolean));
  });
  child.stderr?.on('data', (chunk) => stderr.push(...String(chunk).split('\n').filter(Boolean)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  // Up to two minutes: a cold start (tsx, the database, media workers) is slow on a loaded machine.
  const started = Date.now();
  let exitedEarly = false;
  void exited.then(() => {
    exitedEarly = true;
  });
  while (
    !(await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (exitedEarly || Date.now() - started > 120_000) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start: ${stderr.join('\n')} ${stdout.slice(-5).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    pid: child.pid as number,
    env: base,
    stdout,
    stderr,
    /** stdout's lines parsed (every line is pino JSON: one that is not is null here). */
    logs: () => stdout.map(parse),
    exited,
    kill: (signal: NodeJS.Signals) => child.kill(signal),
  };
}
export type ServerProcess = Awaited<ReturnType<typeof spawnServer>>;

/** A TCP port nobody listens on right now (the server takes it a moment later). */
function freePort() {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function parse(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}
