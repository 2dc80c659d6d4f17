import type { Db } from '../store/db';
import { retainUntil } from './rules';

/**
 * Sets how long a Space's recording is kept from whether a violation stands (an upheld report):
 * end + 90 days while it does, end + 30 days otherwise. A live Space's recording keeps no date yet.
 */
export async function setViolation(db: Db, spaceId: string, violation: boolean) {
  const space = await db.selectFrom('spaces').select('ended_at').where('id', '=', spaceId).executeTakeFirst();
  if (!space?.ended_at) return;
  await db
    .updateTable('recordings')
    .set({ retain_until: retainUntil(space.ended_at, violation) })
    .where('space_id', '=', spaceId)
    .execute();
}
