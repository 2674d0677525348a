import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAtomicWriter } from '../../../src/io/core/atomic-write.js';
import { cleanupStaleTemps, readContainer, writeContainer } from '../../../src/io/container/index.js';
import { buildForChild } from '../child-build.js';
import { listDir, makeTempDir } from '../helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** A child that writes a 200 MB container (25 sections of 8 MB) over argv[2] with the real writer. */
const CHILD = `
import { writeContainer } from './write.js';
const block = new Uint8Array(8 << 20).fill(0xab);
const sections = Array.from({ length: 25 }, (_, i) => ({ name: 'part' + i, data: block }));
await writeContainer(process.argv[2], { kind: 'hnsw', kindVersion: 1, meta: { replaced: true }, sections });
process.stdout.write('finished');
`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('index container crash safety', () => {
  it('a writer killed mid-write leaves the previous file intact; the stale temporary file can be cleaned up', async () => {
    const dir = tmp.file('data');
    fs.mkdirSync(dir);
    const target = path.join(dir, 'index.ekx');
    const original = {
      kind: 'hnsw',
      kindVersion: 1,
      meta: { version: 'original' },
      sections: [{ name: 'links', data: Uint32Array.of(1, 2, 3, 4) }],
    };
    await writeContainer(target, original);
    const originalBytes = fs.readFileSync(target);

    const entry = buildForChild('io/container/write.ts', tmp.file('child'));
    const script = path.join(path.dirname(entry), 'child.mjs');
    fs.writeFileSync(script, CHILD);
    const child = spawn(process.execPath, [script, target], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));

    // Wait until the child's temporary file exists and has grown past 32 MB, then kill it.
    const tempPrefix = `.index.ekx.${child.pid}.`;
    let tempFile: string | undefined;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && child.exitCode === null) {
      const name = fs.readdirSync(dir).find((n) => n.startsWith(tempPrefix) && n.endsWith('.tmp'));
      if (name && (fs.statSync(path.join(dir, name), { throwIfNoEntry: false })?.size ?? 0) >= 32 << 20) {
        tempFile = path.join(dir, name);
        break;
      }
      await sleep(2);
    }
    child.kill('SIGKILL');
    const signal = await exited;
    expect(output, 'the child must be killed before it finishes').not.toContain('finished');
    expect(signal).toBe('SIGKILL');
    expect(tempFile).toBeDefined();

    // The target is the original file, byte for byte, and reads back; the partial data is only in the temp file.
    expect(fs.readFileSync(target)).toEqual(originalBytes);
    const c = await readContainer(target, { kind: 'hnsw' });
    expect(c.meta).toEqual({ version: 'original' });
    expect([...c.sections.keys()]).toEqual(['links']);
    expect(listDir(dir)).toEqual([path.basename(tempFile as string), 'index.ekx'].sort());
    expect(fs.statSync(tempFile as string).size).toBeLessThan(200 << 20);

    // Recent temporary files are kept by default; with minAgeMs 0 the dead writer's file goes.
    expect(await cleanupStaleTemps(dir)).toEqual([]);
    const live = await openAtomicWriter(path.join(dir, 'other.ekx')); // this process is alive: its file stays
    expect(await cleanupStaleTemps(dir, { minAgeMs: 0, target: 'other.ekx' })).toEqual([]);
    expect(await cleanupStaleTemps(dir, { minAgeMs: 0 })).toEqual([tempFile]);
    expect(listDir(dir)).toEqual([path.basename(live.tempPath), 'index.ekx'].sort());
    await live.abort();
    expect(listDir(dir)).toEqual(['index.ekx']);
  });
});
