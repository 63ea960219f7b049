import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

// `npm run verify` runs dependency-cruiser with the project's rules (.dependency-cruiser.cjs).
// Here the same rules judge small made-up trees, so each rule is shown to fail a build that
// breaks it — without touching the real sources.

const root = resolve(import.meta.dirname, '..');
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');
const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A tree of files (path → text) in a fresh folder, judged by the project's rules. */
function judge(files: Record<string, string>): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-health-boundaries-'));
  made.push(dir);
  const tree: Record<string, string> = {
    'tsconfig.json': JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true },
      include: ['src', 'web'],
    }),
    ...files,
  };
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const run = spawnSync(
    depcruise,
    ['src', 'web/src', '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'err'],
    { cwd: dir, encoding: 'utf8' },
  );
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

const healthy = {
  'src/model/server.ts': 'export interface Server { id: string }\n',
  'src/store/servers-repo.ts':
    "import type { Server } from '../model/server.js';\nexport const list = (): Server[] => [];\n",
  'src/metrics/index.ts': "export { read } from './read/series.js';\n",
  'src/metrics/read/series.ts': 'export const read = () => 1;\n',
  'src/alerts/evaluator.ts': "import { read } from '../metrics/index.js';\nexport const value = read();\n",
  'web/src/lib/api.ts':
    "import type { Server } from '../../../src/model/server.js';\nexport const none: Server[] = [];\n",
};

describe('the architecture rules (npm run boundaries, part of npm run verify)', () => {
  it('pass a tree that keeps them', () => {
    const r = judge(healthy);
    assert.ok(r.ok, r.output);
  });

  it('fail when the model imports anything of the project', () => {
    const r = judge({
      ...healthy,
      'src/model/check.ts': "import { list } from '../store/servers-repo.js';\nlist();\n",
    });
    assert.equal(r.ok, false);
    assert.match(r.output, /model-imports-nothing/);
  });

  it('fail when the store imports a part above it', () => {
    const r = judge({
      ...healthy,
      'src/store/checks-repo.ts': "import { read } from '../metrics/index.js';\nread();\n",
    });
    assert.equal(r.ok, false);
    assert.match(r.output, /store-is-low/);
  });

  it('fail when a part reaches into another part past its front door', () => {
    const r = judge({
      ...healthy,
      'src/alerts/evaluator.ts':
        "import { read } from '../metrics/read/series.js';\nexport const value = read();\n",
    });
    assert.equal(r.ok, false);
    assert.match(r.output, /front-doors/);
  });

  it('fail on an import cycle in the dashboard', () => {
    const r = judge({
      ...healthy,
      'web/src/views/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'web/src/views/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    });
    assert.equal(r.ok, false);
    assert.match(r.output, /no-cycles/);
  });

  it('fail when the dashboard takes server code at run time rather than types', () => {
    const r = judge({
      ...healthy,
      'web/src/lib/api.ts':
        "import { list } from '../../../src/store/servers-repo.js';\nexport const all = list();\n",
    });
    assert.equal(r.ok, false);
    assert.match(r.output, /no-src-from-web-runtime/);
  });

  it('hold on the project itself', () => {
    const run = spawnSync(
      depcruise,
      ['src', 'web/src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
      { cwd: root, encoding: 'utf8' },
    );
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
  });
});
