// @vitest-environment node
// The production build must not ship source maps to users.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';

import config from '../../vite.config';

const APP = fileURLToPath(new URL('../../', import.meta.url));

describe('vite build', () => {
  it('is configured without source maps', () => {
    expect(config.build?.sourcemap ?? false).toBe(false);
  });

  it('emits no .map file and no sourceMappingURL', { timeout: 60_000 }, async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'journal-web-build-'));
    try {
      await build({
        root: APP,
        configFile: path.join(APP, 'vite.config.ts'),
        logLevel: 'silent',
        build: { outDir, emptyOutDir: true },
      });
      const files = await readdir(outDir, { recursive: true });
      expect(files.filter((name) => name.endsWith('.map'))).toEqual([]);
      for (const name of files.filter((file) => file.endsWith('.js'))) {
        expect(await readFile(path.join(outDir, name), 'utf8')).not.toContain('sourceMappingURL');
      }
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
