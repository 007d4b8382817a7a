// @vitest-environment node
// No endpoint is fetched by hand: app code goes through the generated SDK, whose client
// carries the auth interceptors and the ApiError mapping. Proven two ways: the ESLint rule
// rejects a hand-written fetch anywhere under src/, and no source file has one today.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const APP = fileURLToPath(new URL('../../', import.meta.url));
const SRC = path.join(APP, 'src');
const GENERATED = path.join(SRC, 'lib', 'api', 'gen');

async function ruleIds(code: string, file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: APP });
  const [result] = await eslint.lintText(code, { filePath: path.join(APP, file) });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

async function sourceFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== GENERATED && entry.name !== 'test') found.push(...(await sourceFiles(full)));
    } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      found.push(full);
    }
  }
  return found;
}

describe('no hand-written fetch', () => {
  it.each([
    ['src/features/entries/export.ts', "export const go = () => fetch('/api/entries');"],
    ['src/lib/auth-client.ts', "export const go = () => fetch('/api/auth/refresh');"],
    ['src/app/App.tsx', "export const go = () => window.fetch('/api/config');"],
    ['src/lib/api-client.ts', "export const go = () => globalThis.fetch('/api/config');"],
    ['src/features/settings/x.ts', 'export const x = new XMLHttpRequest();'],
  ])('ESLint rejects a hand-written request in %s', async (file, code) => {
    const ids = await ruleIds(code, file);
    expect(ids.some((id) => /no-restricted-(globals|properties)/.test(id))).toBe(true);
  });

  it('ESLint accepts a call through the generated SDK', async () => {
    const code = [
      "import { api } from '../../lib/api-client';",
      'export const go = async () => (await api.entriesListTags()).data;',
    ].join('\n');
    expect(await ruleIds(code, 'src/features/entries/tags.ts')).toEqual([]);
  });

  it('no source file outside the generated client calls fetch', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      const text = await readFile(file, 'utf8');
      if (/\bfetch\s*\(|XMLHttpRequest/.test(text)) offenders.push(path.relative(APP, file));
    }
    expect(offenders).toEqual([]);
  });
});
