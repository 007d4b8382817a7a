import { describe, expect, it } from 'vitest';

import { groupByMonth, snippetOf, snippetParts, tidySnippet } from './timeline';

describe('groupByMonth', () => {
  it('groups consecutive entries of one month under one heading, newest first', () => {
    const groups = groupByMonth([
      { entry_date: '2026-03-09' },
      { entry_date: '2026-03-01' },
      { entry_date: '2026-02-28' },
      { entry_date: '2025-02-10' },
    ]);
    expect(groups.map((g) => [g.month, g.entries.length])).toEqual([
      ['2026-03', 2],
      ['2026-02', 1],
      ['2025-02', 1],
    ]);
    expect(groups[0]!.label).toMatch(/2026/);
  });
});

describe('snippetParts', () => {
  it('splits the text into marked and plain parts from offsets', () => {
    expect(snippetParts({ text: 'bought pears and bread', marks: [[7, 12]] })).toEqual([
      { text: 'bought ', marked: false },
      { text: 'pears', marked: true },
      { text: ' and bread', marked: false },
    ]);
  });

  it('keeps every character when offsets are out of range, reversed or overlapping', () => {
    const text = 'abcdef';
    const parts = snippetParts({
      text,
      marks: [
        [4, 99],
        [3, 1],
        [0, 2],
        [1, 3],
        [-5, 0],
      ],
    });
    expect(parts.map((p) => p.text).join('')).toBe(text);
    expect(parts.filter((p) => p.marked).map((p) => p.text)).toEqual(['ab', 'c', 'ef']);
  });

  it('counts offsets in code points, so an emoji before the match does not shift it', () => {
    const parts = snippetParts({
      text: '😀 pears 𝄞 and bread',
      marks: [
        [2, 7],
        [14, 19],
      ],
    });
    expect(parts.filter((p) => p.marked).map((p) => p.text)).toEqual(['pears', 'bread']);
  });

  it('treats markup in the snippet as text', () => {
    const parts = snippetParts({ text: '<b>x</b>', marks: [[3, 4]] });
    expect(parts).toEqual([
      { text: '<b>', marked: false },
      { text: 'x', marked: true },
      { text: '</b>', marked: false },
    ]);
  });
});

describe('snippetOf', () => {
  it('reads a well-formed snippet and ignores a missing or malformed one', () => {
    expect(snippetOf({ snippet: { text: 'a', marks: [[0, 1], 'x', [1]] } })).toEqual({
      text: 'a',
      marks: [[0, 1]],
    });
    expect(snippetOf({})).toBeNull();
    expect(snippetOf({ snippet: { text: 1, marks: [] } })).toBeNull();
  });
});

describe('tidySnippet', () => {
  it('drops markdown syntax around the match but keeps the marked words exact', () => {
    const text = 'Boats and a **zephyr** from the sea.\n\n| tide | time |\n| --- | --- |';
    const start = text.indexOf('zephyr');
    const parts = tidySnippet(snippetParts({ text, marks: [[start, start + 6]] }));
    const shown = parts.map((p) => p.text).join('');
    expect(parts.find((p) => p.marked)?.text).toBe('zephyr');
    expect(shown).not.toMatch(/[|*]|---/);
    expect(shown).toContain('Boats and a');
    expect(shown).toContain('tide time');
  });

  it('keeps link text, not link URLs', () => {
    const parts = tidySnippet([{ text: 'see [the docs](https://x.example/a) now', marked: false }]);
    expect(parts[0]!.text).toBe('see the docs now');
  });
});
