// The shard a worker writes per batch: round trip, and every kind of damage is named.
import { describe, expect, it } from 'vitest';
import { decodeShard, encodeShard } from '../../src/jobs/shard-file.js';

const shard = {
  id: 'abc123',
  rows: 3,
  dim: 2,
  data: new Float32Array([1, -0, 0.5, Math.fround(1 / 3), 0, 0]),
  errors: [{ index: 2, message: 'empty line' }],
};

describe('job shards', () => {
  it('round-trips rows (bit for bit) and per-input errors', () => {
    const back = decodeShard('s.ekjb', encodeShard(shard), { id: 'abc123', rows: 3 });
    expect(back.errors).toEqual(shard.errors);
    expect(Buffer.from(back.data.buffer).equals(Buffer.from(shard.data.buffer))).toBe(true);
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
});
