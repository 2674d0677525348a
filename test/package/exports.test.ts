// The package's public surface: the names each entry point (package.json `exports`) exports match
// the committed list test/package/exports.json (so an accidental export is noticed: refresh the list
// with `node scripts/list-exports.mjs > test/package/exports.json` when the change is meant), and a
// consumer project imports every entry by name, with none of the optional packages installed, and
// cannot reach the files behind them. Runs against the built package (`npm test` builds first).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module script without declarations
import { listExports } from '../../scripts/list-exports.mjs';
import { ROOT } from '../helpers/paths.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
};
const committed = JSON.parse(readFileSync(join(ROOT, 'test/package/exports.json'), 'utf8')) as Record<string, string[]>;
const ENTRIES = Object.keys(pkg.exports).filter((e) => e !== './package.json');
const specifier = (entry: string) => (entry === '.' ? 'embedkit' : `embedkit/${entry.slice(2)}`);

let consumer: string;

/** Runs an ES module script in the consumer project, every optional package looking uninstalled. */
function inConsumer(script: string) {
  return spawnSync(process.execPath, ['--import', join(ROOT, 'test/helpers/hide-packages.mjs'), '--input-type=module', '-e', script], {
    cwd: consumer,
    encoding: 'utf8',
    env: { ...process.env, EMBEDKIT_TEST_HIDE_PACKAGES: Object.keys(pkg.peerDependencies).join(',') },
  });
}

beforeAll(() => {
  // A project that depends on embedkit (node_modules/embedkit → this repository).
  consumer = mkdtempSync(join(tmpdir(), 'embedkit-consumer-'));
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  mkdirSync(join(consumer, 'node_modules'));
  symlinkSync(ROOT, join(consumer, 'node_modules', 'embedkit'), 'dir');
});

afterAll(() => rmSync(consumer, { recursive: true, force: true }));

describe('package entry points', () => {
  it('are the root and one per layer', () => {
    expect(ENTRIES).toEqual([
      '.',
      './vectors',
      './text',
      './io',
      './ann',
      './evaluate',
      './encode',
      './audio',
      './tasks',
      './privacy',
      './project',
      './plot',
      './jobs',
      './serve',
    ]);
  });

  it('export exactly the names of test/package/exports.json', () => {
    const actual = listExports() as Record<string, string[]>;
    for (const entry of ENTRIES) {
      const added = actual[entry].filter((n) => !committed[entry]?.includes(n));
      const removed = (committed[entry] ?? []).filter((n) => !actual[entry].includes(n));
      expect({ entry, added, removed }).toEqual({ entry, added: [], removed: [] });
    }
    expect(Object.keys(actual)).toEqual(Object.keys(committed));
  });

  it('the root holds the user-facing API, not internals', () => {
    const rootNames = committed['.'];
    for (const name of ['KeyedVectors', 'trainWord2Vec', 'Word2VecOptions', 'createIndex', 'loadEncoder', 'readFvecs', 'VERSION'])
      expect(rootNames).toContain(name);
    for (const name of ['VocabScanner', 'StreamSink', 'runBatches', 'decodeContainer', 'kernelBuild', 'textEncoderEntries', 'crc32'])
      expect(rootNames).not.toContain(name);
    expect(rootNames.length).toBeLessThan(100);
  });

  it('import by name in a consumer project without any optional package, each with the runtime values listed', () => {
    const script = `
      const out = {};
      for (const s of ${JSON.stringify(ENTRIES.map(specifier))}) out[s] = Object.keys(await import(s)).sort();
      console.log(JSON.stringify(out));`;
    const r = inConsumer(script);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const values = JSON.parse(r.stdout) as Record<string, string[]>;
    for (const entry of ENTRIES) {
      const names = values[specifier(entry)];
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((n) => !committed[entry].includes(n))).toEqual([]);
    }
  });

  it('keep the files behind them private', () => {
    const r = inConsumer(`await import('embedkit/dist/text/vocab-scanner.js');`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});
