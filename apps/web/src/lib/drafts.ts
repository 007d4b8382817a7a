/**
 * Unsaved entry drafts, kept in localStorage so a closed tab or a lost connection never
 * loses writing. Only entry text lives here, never a token; sign-out clears them.
 *
 * A draft remembers the version (ETag) of the entry it was written against, so saving it
 * later sends that version as `If-Match`: a draft written before someone else's change
 * meets the 412 conflict instead of silently overwriting that change.
 */
const PREFIX = 'journal:draft:';

export type DraftFields = {
  title: string;
  body: string;
  tags: string;
  mood: string;
  entryDate: string;
};

export type Draft = DraftFields & {
  /**
   * The entry's ETag when the draft was written; null for a new entry (nothing to
   * conflict with). Undefined only in drafts written before versions were kept: their
   * base is unknown, and the editor asks before saving them.
   */
  baseEtag?: string | null;
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

/** `baseEtag` as for `Draft.baseEtag`: undefined keeps an unknown base unknown. */
export function saveDraft(
  key: string,
  fields: DraftFields,
  baseEtag: string | null | undefined,
): void {
  const draft: Draft = { ...fields, baseEtag, savedAt: Date.now() };
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the editor still works, just without a draft.
  }
}

export function clearDraft(key: string): void {
  try {
    localStorage.removeItem(PREFIX + key);
  } catch {
    // Storage disabled: there is no draft to clear.
  }
}

function draftKeys(): string[] {
  try {
    return Object.keys(localStorage).filter((key) => key.startsWith(PREFIX));
  } catch {
    return [];
  }
}

/** Whether this device holds any unsaved draft (sign-out asks before discarding them). */
export function hasDrafts(): boolean {
  return draftKeys().length > 0;
}

export function clearAllDrafts(): void {
  for (const key of draftKeys()) localStorage.removeItem(key);
}
