// The shard a worker writes per batch: round trip, and every kind of damage is named.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeShard, encodeShard, readShard, writeShard } from '../../src/jobs/shard-file.js';

const shard = {
  id: 'abc123',
  rows: 3,
  dim: 2,
  data: new Float32Array([1, -0, 0.5, Math.fround(1 / 3), 0, 0]),
  errors: [{ index: 2, message: 'empty line' }],
};

describe('job shards', () => {
  it('round-trips rows (bit for bit) and per-input errors', () => {
    const bytes = encodeShard(shard);
    const back = decodeShard('s.ekjb', bytes, { id: 'abc123', rows: 3 });
    expect(back.errors).toEqual(shard.errors);
    const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bits(back.data).equals(bits(shard.data))).toBe(true);
    // the same bytes at an offset that is not a multiple of 4 (the rows are copied, not viewed)
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const copied = decodeShard('s.ekjb', shifted, { id: 'abc123', rows: 3 });
    expect(copied.data.byteOffset % 4).toBe(0);
    expect(bits(copied.data).equals(bits(shard.data))).toBe(true);
  });

  it('rejects another batch, a wrong row count, truncation and flipped bits', () => {
    const bytes = encodeShard(shard);
    expect(() => decodeShard('s.ekjb', bytes, { id: 'other' })).toThrow(/s\.ekjb: holds batch abc123, not other/);
    expect(() => decodeShard('s.ekjb', bytes, { id: 'abc123', rows: 4 })).toThrow(/holds 3 rows, the batch has 4/);
    expect(() => decodeShard('s.ekjb', bytes.subarray(0, bytes.length - 5), { id: 'abc123' })).toThrow(/s\.ekjb: /);
    const flipped = bytes.slice();
    flipped[flipped.length - 9] ^= 1;
    expect(() => decodeShard('s.ekjb', flipped, { id: 'abc123' })).toThrow(/checksum mismatch/);
    expect(() => decodeShard('s.ekjb', new Uint8Array(8), { id: 'abc123' })).toThrow(/truncated shard/);
  });

  it('writes a shard file atomically (no temp file left) and reads it back; a missing one reads as undefined', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedkit-shard-'));
    try {
      const file = join(dir, 'abc123.ekjb');
      await writeShard(file, shard);
      expect(readdirSync(dir)).toEqual(['abc123.ekjb']);
      const back = await readShard(file, { id: 'abc123', rows: 3 });
      expect(Buffer.from(back!.data.buffer, back!.data.byteOffset, back!.data.byteLength).equals(Buffer.from(shard.data.buffer))).toBe(
        true,
      );
      expect(await readShard(join(dir, 'none.ekjb'), { id: 'none' })).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
