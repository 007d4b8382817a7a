import { describe, expect, it } from 'vitest';

import { clearAllDrafts, clearDraft, hasDrafts, loadDraft, saveDraft } from './drafts';

const FIELDS = {
  title: 'Harbour',
  body: 'Boats in the morning.',
  tags: 'sea',
  mood: '4',
  entryDate: '2026-11-25',
};

describe('entry drafts', () => {
  it('keeps the version (ETag) the draft was written against', () => {
    saveDraft('e1', FIELDS, '"e1.3"');
    const draft = loadDraft('e1');
    expect(draft).toMatchObject({ ...FIELDS, baseEtag: '"e1.3"' });
    expect(typeof draft?.savedAt).toBe('number');
  });

  it('keeps a new entry draft with no version (null: nothing to conflict with)', () => {
    saveDraft('new', FIELDS, null);
    expect(loadDraft('new')?.baseEtag).toBeNull();
  });

  it('loads a draft written before versions were kept with an unknown (undefined) version', () => {
    localStorage.setItem('journal:draft:old', JSON.stringify({ ...FIELDS, savedAt: 1 }));
    const draft = loadDraft('old');
    expect(draft?.body).toBe(FIELDS.body);
    expect(draft?.baseEtag).toBeUndefined();
  });

  it('a later save replaces the version; clearing after a save leaves no draft', () => {
    saveDraft('e1', FIELDS, '"e1.3"');
    saveDraft('e1', { ...FIELDS, body: 'More.' }, '"e1.4"');
    expect(loadDraft('e1')).toMatchObject({ body: 'More.', baseEtag: '"e1.4"' });
    clearDraft('e1');
    expect(loadDraft('e1')).toBeNull();
    expect(hasDrafts()).toBe(false);
  });

  it('hasDrafts and clearAllDrafts see only drafts, never other keys', () => {
    localStorage.setItem('journal.refresh_token', 'kept');
    expect(hasDrafts()).toBe(false);
    saveDraft('e1', FIELDS, '"e1.1"');
    saveDraft('new', FIELDS, null);
    expect(hasDrafts()).toBe(true);
    clearAllDrafts();
    expect(hasDrafts()).toBe(false);
    expect(localStorage.getItem('journal.refresh_token')).toBe('kept');
  });

  it('a corrupt draft reads as no draft', () => {
    localStorage.setItem('journal:draft:bad', '{not json');
    expect(loadDraft('bad')).toBeNull();
  });
});
