import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FileFormatError, UsageError } from '../../../src/errors.js';
import { emptyStats, fuzzProperty, messageShape } from '../../../fuzz/lib/property.js';
import type { BaseFile, FuzzTarget } from '../../../fuzz/lib/target.js';

// The fuzz property must be able to fail: each way a reader can break the rule is shown to fail it.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedkit-fuzz-harness-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const bases: BaseFile[] = [{ label: 'four bytes', bytes: Uint8Array.of(1, 2, 3, 4), ext: '.bin', expected: 4 }];

/** A target whose reader does `read` with the file's bytes. */
function fakeTarget(read: (file: string, bytes: Buffer) => Promise<unknown> | unknown, check?: FuzzTarget['check']): FuzzTarget {
  return {
    name: 'fake',
    readers: 'a fake reader',
    variants: ['only'],
    gzip: false,
    bases: () => Promise.resolve(bases),
    read: async (file) => read(file, fs.readFileSync(file)),
    check: check ?? (() => undefined),
  };
}

async function failure(target: FuzzTarget): Promise<string | undefined> {
  const details = await fc.check(fuzzProperty(target, bases, dir, { limits: { slowMs: 300, memoryPerByte: 16, memoryBase: 8 << 20 } }), {
    seed: 1,
    numRuns: 50,
    timeout: 2000,
    endOnFailure: true,
  });
  return details.failed ? String((details.errorInstance as Error).message) : undefined;
}

describe('the fuzz property', () => {
  it('holds for a reader that loads or throws a FileFormatError naming the file', async () => {
    const stats = emptyStats();
    const target = fakeTarget((file, bytes) => {
      if (bytes.length !== 4) throw new FileFormatError(file, `${bytes.length} bytes`);
      return bytes.length;
    });
    await fc.assert(fuzzProperty(target, bases, dir, { stats }), { seed: 1, numRuns: 100 });
    expect(stats.loaded).toBeGreaterThan(0);
    expect(stats.rejected).toBeGreaterThan(0);
  });

  it('fails for a RangeError, a TypeError or a plain Error', async () => {
    expect(await failure(fakeTarget((_f, b) => new DataView(b.buffer, b.byteOffset, b.length).getUint32(4)))).toMatch(/RangeError/);
    expect(await failure(fakeTarget((_f, b) => (b.length === 4 ? 1 : (undefined as unknown as { x: number }).x)))).toMatch(/TypeError/);
    expect(await failure(fakeTarget(() => Promise.reject(new Error('boom'))))).toMatch(/Error: boom/);
  });

  it('fails for an EmbedkitError that does not name the file', async () => {
    expect(await failure(fakeTarget(() => Promise.reject(new UsageError('bad'))))).toMatch(/does not name the file/);
  });

  it('fails when the result does not pass the check', async () => {
    const offByOne = fakeTarget(
      (_f, b) => b.length + 1,
      (n, context) => (context.unchanged && n !== context.base.expected ? 'wrong length' : undefined),
    );
    expect(await failure(offByOne)).toMatch(/wrong length/);
  });

  it('fails for an allocation out of proportion to the file', async () => {
    let keep: ArrayBuffer | undefined;
    expect(
      await failure(
        fakeTarget(() => {
          keep = new ArrayBuffer(64 << 20); // what an unchecked "rows × dim" header does
          return keep.byteLength;
        }),
      ),
    ).toMatch(/memory grew by 64\.\d MiB/);
    expect(keep).toBeDefined();
  });

  it('fails for a slow read, and for one that never ends', async () => {
    expect(await failure(fakeTarget(() => new Promise((resolve) => setTimeout(resolve, 500))))).toMatch(/took \d+ ms/);
    expect(await failure(fakeTarget(() => new Promise(() => undefined)))).toMatch(/timeout/i);
  });

  it('groups rejection messages by shape', () => {
    expect(messageShape('/a/b: line 12: value 3 of "x y" is not a number: "1e9x"')).toBe('/a/b: line #: value # of … is not a number: …');
  });
});
