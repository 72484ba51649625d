import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// Imports point one way: cli -> main -> admin, proxy, kubernetes -> config -> routing,
// providers -> translators -> apischema, and auth, observability -> core. docs/architecture.md
// draws the same picture.

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** The folders (areas) each area may import from, besides itself. */
const ALLOWED: Record<string, readonly string[]> = {
  cli: ['main.ts', 'admin', 'proxy', 'kubernetes', 'config', 'routing', 'providers', 'translators', 'apischema', 'auth', 'core', 'observability', 'mock-provider'],
  'main.ts': ['admin', 'proxy', 'kubernetes', 'config', 'routing', 'providers', 'translators', 'apischema', 'auth', 'core', 'observability'],
  admin: ['config', 'core', 'observability'],
  kubernetes: ['config', 'core', 'observability'],
  proxy: ['config', 'routing', 'providers', 'translators', 'apischema', 'auth', 'core', 'observability'],
  config: ['routing', 'providers', 'translators', 'apischema', 'auth', 'core', 'observability'],
  routing: ['core'],
  providers: ['translators', 'apischema', 'auth', 'core'],
  translators: ['apischema', 'core'],
  apischema: [],
  auth: ['core'],
  observability: ['core'],
  core: [],
  'mock-provider': [],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}

const areaOf = (file: string): string => (relative(SRC, file).split('/')[0] ?? '').replace(/\.js$/, '.ts');

test('every import in src/ points down the layers', () => {
  const wrong: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = areaOf(file);
    const allowed = ALLOWED[from];
    assert.ok(allowed !== undefined, `src/${from} is not in the layer map: add it here and to docs/architecture.md`);
    // `from './x.js'`, `import './x.js'` and `import('./x.js')`, on one line or the last of many.
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:\bfrom|\bimport\s*\(?)\s*['"](\.[^'"]+)['"]/g)) {
      const to = areaOf(resolve(dirname(file), spec ?? ''));
      if (to !== from && !allowed.includes(to)) wrong.push(`${relative(SRC, file)} imports ${spec ?? ''} (${from} -> ${to})`);
    }
  }
  assert.deepEqual(wrong, []);
});
