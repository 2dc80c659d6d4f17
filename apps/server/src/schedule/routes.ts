import { ErrorCode, Reminders } from '@earshot/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../context';
import { AppError } from '../http/errors';
import { roleOf } from '../spaces/rules';
import type { SpaceService } from '../spaces/service';
import { blockedByHost, loadRoom } from '../spaces/store';
import { spaceCalendar } from './calendar';
import { registerScheduleJobs } from './jobs';
import { decideReminder, type ReminderAction } from './rules';
import { clearReminder, remindersOf, setReminder } from './store';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

/** Reminders (PUT/DELETE …/reminder), the calendar entry (…/calendar.ics) and the jobs behind them. */
export async function scheduleRoutes(app: FastifyInstance, services: Services, spaces: SpaceService) {
  const { db, config } = services;
  registerScheduleJobs(services, spaces);
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** Sets or clears the viewer's reminder under the Space's row lock, so a start cannot slip between. */
  async function remind(spaceId: string, userId: string | null, action: ReminderAction) {
    await db.transaction().execute(async (tx) => {
      const { state, hostId } = await loadRoom(tx, spaceId, true);
      const blocked = userId ? (await blockedByHost(tx, hostId, [userId])).has(userId) : false;
      const verdict = decideReminder(action, state, roleOf(state, userId, blocked));
      if (!verdict.ok) throw new AppError(verdict.status, verdict.code, verdict.message);
      if (!userId) return;
      if (action === 'set') await setReminder(tx, spaceId, userId);
      else await clearReminder(tx, spaceId, userId);
    });
    return (await remindersOf(db, [spaceId], userId)).get(spaceId) as Reminders;
  }

  for (const [method, action] of [
    ['PUT', 'set'],
    ['DELETE', 'clear'],
  ] as const)
    r.route({
      method,
      url: '/api/spaces/:id/reminder',
      schema: { tags: ['spaces'], params: IdParams, response: { 200: Reminders } },
      handler: async (request) => remind(request.params.id, request.viewer?.id ?? null, action),
    });

  r.get('/api/spaces/:id/calendar.ics', { schema: { tags: ['spaces'], params: IdParams } }, async (request, reply) => {
    const { state, seq } = await spaces.load(request.params.id);
    const { role } = await spaces.standing(request.params.id, request.viewer?.id ?? null);
    if (role === 'blocked') throw new AppError(403, ErrorCode.forbidden, 'the host has blocked you');
    if (!state.scheduledFor && !state.startedAt)
      throw new AppError(409, ErrorCode.conflict, 'this Space has no time yet: it starts when the host starts it');
    const origin = config.PUBLIC_URL?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`;
    const link = `${origin}/spaces/${encodeURIComponent(state.id)}`;
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', `attachment; filename="earshot-${state.id}.ics"`)
      .send(spaceCalendar({ state, seq, link, host: state.host.displayName }));
  });
}
