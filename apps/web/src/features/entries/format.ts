import { stripMarkdown } from './excerpt';

const longFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  timeZone: 'UTC',
});

/** "2026-03-04" → "Wednesday, March 4, 2026" (a calendar date: no time zone shift). */
export function longDate(date: string): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) ? date : longFormat.format(parsed);
}

/** The entry's title, or its first line (as plain text) when it has none. */
export function entryTitle(entry: { title: string; body: string }, length = 80): string {
  if (entry.title.trim()) return entry.title;
  const firstLine = entry.body
    .split('\n')
    .map((line) => stripMarkdown(line))
    .find((line) => line.length > 0);
  if (!firstLine) return 'Untitled';
  return firstLine.length > length ? `${firstLine.slice(0, length).trimEnd()}…` : firstLine;
}

/** The body to excerpt: without its first line when that line already serves as the title. */
export function untitledRest(entry: { title: string; body: string }): string {
  if (entry.title.trim()) return entry.body;
  const lines = entry.body.split('\n');
  const first = lines.findIndex((line) => stripMarkdown(line).length > 0);
  return first === -1 ? entry.body : lines.slice(first + 1).join('\n');
}
