/**
 * Unsaved entry drafts, kept in localStorage so a closed tab or a lost connection never
 * loses writing. Only entry text lives here, never a token; sign-out clears them.
 */
const PREFIX = 'journal:draft:';

export type Draft = {
  title: string;
  body: string;
  tags: string;
  mood: string;
  entryDate: string;
  savedAt: number;
};

export function loadDraft(key: string): Draft | null {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    return raw ? (JSON.parse(raw) as Draft) : null;
  } catch {
    return null;
  }
}

export function saveDraft(key: string, draft: Omit<Draft, 'savedAt'>): void {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify({ ...draft, savedAt: Date.now() }));
  } catch {
    // Storage full or disabled: the editor still works, just without a draft.
  }
}

export function clearDraft(key: string): void {
  localStorage.removeItem(PREFIX + key);
}

export function clearAllDrafts(): void {
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith(PREFIX)) localStorage.removeItem(key);
  }
}
