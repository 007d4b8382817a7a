import { describe, expect, it } from 'vitest';

import { moodLabel, parseTags } from './mood';

describe('parseTags', () => {
  it('trims, lower-cases and de-duplicates like the server', () => {
    expect(parseTags(' Work, ideas ,work,, IDEAS ,travel ')).toEqual(['work', 'ideas', 'travel']);
    expect(parseTags('')).toEqual([]);
  });
});

describe('moodLabel', () => {
  it('names moods 1 to 5 and nothing else', () => {
    expect(moodLabel(5)).toContain('Great');
    expect(moodLabel(null)).toBeNull();
    expect(moodLabel(9)).toBeNull();
  });
});
