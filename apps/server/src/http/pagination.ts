/** Turns `limit + 1` fetched rows into a page: the extra row only says whether there is more. */
export function toPage<R, T extends { id: string }>(rows: R[], limit: number, map: (row: R) => T) {
  const items = rows.slice(0, limit).map(map);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}
