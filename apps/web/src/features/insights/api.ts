import { useQueries, useQuery } from '@tanstack/react-query';

import { api } from '../../lib/api-client';
import { queryKeys } from '../../lib/query-keys';

async function loadMonth(month: string) {
  return (await api.entriesCalendar({ query: { month } })).data;
}

export function useCalendarMonth(month: string) {
  return useQuery({ queryKey: queryKeys.calendar(month), queryFn: () => loadMonth(month) });
}

/** Twelve months for the year heatmap; each month is cached like the month view's. */
export function useCalendarYear(months: string[]) {
  return useQueries({
    queries: months.map((month) => ({
      queryKey: queryKeys.calendar(month),
      queryFn: () => loadMonth(month),
    })),
  });
}

export function useStats() {
  return useQuery({
    queryKey: queryKeys.stats,
    queryFn: async () => (await api.entriesStats()).data,
  });
}
