import type { Reminders } from '@earshot/protocol';
import type { Db } from '../store/db';

/** The `space_reminders` table: who asked to be told about a scheduled Space. */

export async function setReminder(db: Db, spaceId: string, userId: string) {
  await db
    .insertInto('space_reminders')
    .values({ space_id: spaceId, user_id: userId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function clearReminder(db: Db, spaceId: string, userId: string) {
  await db.deleteFrom('space_reminders').where('space_id', '=', spaceId).where('user_id', '=', userId).execute();
}

/** Reminder count and the viewer's own, for each Space. */
export async function remindersOf(db: Db, spaceIds: string[], viewerId: string | null) {
  const facts = new Map<string, Reminders>(spaceIds.map((id) => [id, { reminderCount: 0, youHaveReminder: false }]));
  if (spaceIds.length === 0) return facts;
  const rows = await db
    .selectFrom('space_reminders')
    .select('space_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .select((eb) =>
      eb.fn
        .max(
          eb
            .case()
            .when('user_id', '=', viewerId ?? '')
            .then(1)
            .else(0)
            .end(),
        )
        .as('mine'),
    )
    .where('space_id', 'in', spaceIds)
    .groupBy('space_id')
    .execute();
  for (const r of rows) facts.set(r.space_id, { reminderCount: Number(r.n), youHaveReminder: Number(r.mine) === 1 });
  return facts;
}

/** Everyone with a reminder for this Space. */
export async function reminderHolders(db: Db, spaceId: string) {
  const rows = await db.selectFrom('space_reminders').select('user_id').where('space_id', '=', spaceId).execute();
  return rows.map((r) => r.user_id);
}
