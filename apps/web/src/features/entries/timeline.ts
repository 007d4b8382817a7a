import type { EntryOut } from '../../lib/api-client';

export type MonthGroup<T> = { month: string; label: string; entries: T[] };

const monthFormat = new Intl.DateTimeFormat(undefined, {
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "2026-03" → "March 2026". */
export function monthLabel(month: string): string {
  const parsed = new Date(`${month}-01T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) ? month : monthFormat.format(parsed);
}

/** Entries (already newest first) cut into consecutive runs of the same calendar month. */
export function groupByMonth<T extends Pick<EntryOut, 'entry_date'>>(
  entries: T[],
): MonthGroup<T>[] {
  const groups: MonthGroup<T>[] = [];
  for (const entry of entries) {
    const month = entry.entry_date.slice(0, 7);
    const last = groups[groups.length - 1];
    if (last && last.month === month) last.entries.push(entry);
    else groups.push({ month, label: monthLabel(month), entries: [entry] });
  }
  return groups;
}

export type Snippet = { text: string; marks: [number, number][] };
export type SnippetPart = { text: string; marked: boolean };

/** The snippet an item found by `q` carries, if it carries a well-formed one. */
export function snippetOf(item: unknown): Snippet | null {
  const snippet = (item as { snippet?: unknown }).snippet;
  if (!snippet || typeof snippet !== 'object') return null;
  const { text, marks } = snippet as { text?: unknown; marks?: unknown };
  if (typeof text !== 'string' || !Array.isArray(marks)) return null;
  const pairs = marks.filter(
    (mark): mark is [number, number] =>
      Array.isArray(mark) &&
      mark.length === 2 &&
      Number.isInteger(mark[0]) &&
      Number.isInteger(mark[1]),
  );
  return { text, marks: pairs };
}

/**
 * Cut the snippet's text into plain and marked parts from its offsets, which count code
 * points (as the API's Python does), not UTF-16 units: an emoji before a match must not shift
 * the mark. Offsets out of range, reversed, or overlapping are clamped or skipped: bad offsets
 * never lose text.
 */
export function snippetParts({ text, marks }: Snippet): SnippetPart[] {
  const chars = Array.from(text);
  const slice = (start: number, end: number) => chars.slice(start, end).join('');
  const parts: SnippetPart[] = [];
  let at = 0;
  const sorted = [...marks].sort((a, b) => a[0] - b[0]);
  for (const [rawStart, rawEnd] of sorted) {
    const start = Math.max(at, Math.min(rawStart, chars.length));
    const end = Math.min(Math.max(rawEnd, 0), chars.length);
    if (end <= start) continue;
    if (start > at) parts.push({ text: slice(at, start), marked: false });
    parts.push({ text: slice(start, end), marked: true });
    at = end;
  }
  if (at < chars.length) parts.push({ text: slice(at, chars.length), marked: false });
  return parts;
}

/**
 * Markdown syntax out of a snippet's plain parts (the API sends the body's raw text): no
 * emphasis markers, table pipes, fences or link URLs. Marked parts are the matched words and
 * stay exactly as sent, so the offsets keep pointing at them.
 */
export function tidySnippet(parts: SnippetPart[]): SnippetPart[] {
  return parts.map((part) =>
    part.marked
      ? part
      : {
          marked: false,
          text: part.text
            .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
            .replace(/\]\([^)]*\)/g, '')
            .replace(/```\w*|`+|\*\*|__|~~|\|/g, ' ')
            .replace(/(^|\s)(#{1,6}|>|-{3,}|:?-{3,}:?)(?=\s|$)/g, '$1')
            .replace(/(^|\s)\*(?=\S)|(?<=\S)\*(?=\s|$)/g, '$1')
            .replace(/<\/?[a-z][^>]*>/gi, ' ')
            .replace(/\s+/g, ' '),
        },
  );
}
