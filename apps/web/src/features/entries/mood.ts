export const MOODS = [
  { value: 1, label: 'Awful', emoji: '😞' },
  { value: 2, label: 'Low', emoji: '😕' },
  { value: 3, label: 'Okay', emoji: '😐' },
  { value: 4, label: 'Good', emoji: '🙂' },
  { value: 5, label: 'Great', emoji: '😄' },
] as const;

export function moodLabel(mood: number | null | undefined): string | null {
  const found = MOODS.find((m) => m.value === mood);
  return found ? `${found.emoji} ${found.label}` : null;
}

/** "work, Ideas ,work" → ["work", "ideas"]: the server's rules, applied as the user types. */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  for (const raw of text.split(',')) {
    const tag = raw.trim().toLowerCase();
    if (tag) seen.add(tag);
  }
  return [...seen];
}
