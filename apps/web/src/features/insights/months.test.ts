import { describe, expect, it } from 'vitest';

import { addMonths, isMonth, monthGrid, yearEnding } from './months';

describe('months', () => {
  it('steps across year boundaries', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2025-12', 1)).toBe('2026-01');
    expect(addMonths('2026-03', -14)).toBe('2025-01');
  });

  it('pads the grid so the first day falls on its weekday (Monday first)', () => {
    const grid = monthGrid('2026-03'); // 1 March 2026 is a Sunday
    expect(grid.slice(0, 7)).toEqual([null, null, null, null, null, null, '2026-03-01']);
    expect(grid.filter(Boolean)).toHaveLength(31);
    expect(monthGrid('2024-02').filter(Boolean)).toHaveLength(29);
  });

  it('lists twelve months ending with the given one and validates month strings', () => {
    expect(yearEnding('2026-03')[0]).toBe('2025-04');
    expect(yearEnding('2026-03')).toHaveLength(12);
    expect(isMonth('2026-13')).toBe(false);
    expect(isMonth('2026-1')).toBe(false);
    expect(isMonth('2026-12')).toBe(true);
  });
});
