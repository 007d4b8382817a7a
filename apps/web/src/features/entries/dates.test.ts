import { afterEach, describe, expect, it, vi } from 'vitest';

import { localToday } from './dates';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('localToday', () => {
  it("is the writer's date in the evening west of UTC, not UTC's tomorrow", () => {
    vi.stubEnv('TZ', 'America/Los_Angeles');
    // 20:30 on 24 November in Los Angeles is already 25 November in UTC.
    const evening = new Date('2026-11-25T04:30:00Z');
    expect(evening.toISOString().slice(0, 10)).toBe('2026-11-25');
    expect(localToday(evening)).toBe('2026-11-24');
  });

  it("is the writer's date in the early morning east of UTC, not UTC's yesterday", () => {
    vi.stubEnv('TZ', 'Asia/Tokyo');
    // 07:00 on 25 November in Tokyo is still 24 November in UTC.
    expect(localToday(new Date('2026-11-24T22:00:00Z'))).toBe('2026-11-25');
  });
});
