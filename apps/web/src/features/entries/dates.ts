/**
 * The writer's calendar date in their own time zone, as YYYY-MM-DD. Not
 * `toISOString()`'s UTC date: in the evening west of Greenwich (or the early
 * morning east of it) that is another day than the one on the writer's wall.
 */
export function localToday(now: Date = new Date()): string {
  const year = String(now.getFullYear()).padStart(4, '0');
  const month = String(now.getMonth() + 1).padStart(2, '0');
  const day = String(now.getDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}
