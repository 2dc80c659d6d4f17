import assert from 'node:assert/strict';
import { credit, grantTicketing } from '../src/tickets/admin';
import type { Running } from './helpers';
import { signUp } from './helpers';

/** Ticketing test helpers: a host the admin granted, top-ups through the admin command's own code. */

export const quiet = () => {};

export async function grantedHost(server: Running, prefix = 'thost') {
  const host = await signUp(server.url, prefix);
  assert.equal(await grantTicketing(host.user.handle, true)(server.earshot.store.db, quiet), 0);
  return host;
}

export async function topUp(server: Running, handle: string, amountMinor: number, currency = 'USD') {
  assert.equal(await credit(handle, amountMinor, currency)(server.earshot.store.db, quiet), 0);
}

export async function ticketedSpace(
  host: Awaited<ReturnType<typeof signUp>>,
  ticketing: { priceMinor: number; currency?: string; capacity: number; salesOpenAt?: string; salesCloseAt?: string },
  title = 'Ticketed',
) {
  const res = await host.c.post('/api/spaces', { title, ticketing: { currency: 'USD', ...ticketing } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.space.id as string;
}

/** Runs due jobs until none is left (refunds enqueue nothing new, so this ends). */
export async function drainJobs(server: Running) {
  for (let i = 0; i < 20; i++) if ((await server.earshot.jobs.runDue()) === 0) return;
}
