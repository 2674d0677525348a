import { describe, expect, it } from 'vitest';
import { buildHuffman } from '../../../src/vectors/word2vec/huffman.js';

function codeOf(t: ReturnType<typeof buildHuffman>, w: number): string {
  const o = t.codeOffset[w];
  return Array.from(t.codes.subarray(o, o + t.codeLength[w])).join('');
}

describe('Huffman tree (hierarchical softmax)', () => {
  it('gives an optimal prefix code: shorter codes for frequent words, Kraft equality', () => {
    const counts = [45, 16, 13, 12, 9, 5];
    const t = buildHuffman(counts);
    // Classic textbook example: optimal code lengths 1,3,3,3,4,4 (cost 224).
    expect(Array.from(t.codeLength)).toEqual([1, 3, 3, 3, 4, 4]);
    const kraft = Array.from(t.codeLength).reduce((s, l) => s + 2 ** -l, 0);
    expect(kraft).toBeCloseTo(1, 12);
    const codes = counts.map((_, w) => codeOf(t, w));
    for (const a of codes) for (const b of codes) if (a !== b) expect(b.startsWith(a)).toBe(false);
  });

  it('paths start at the root (node V-2) and visit valid inner nodes; siblings differ in the last bit', () => {
    const counts = Array.from({ length: 50 }, (_, i) => Math.floor(1000 / (i + 1)));
    const t = buildHuffman(counts);
    const v = counts.length;
    for (let w = 0; w < v; w++) {
      const o = t.codeOffset[w];
      expect(t.points[o]).toBe(v - 2);
      for (let d = 0; d < t.codeLength[w]; d++) {
        expect(t.points[o + d]).toBeGreaterThanOrEqual(0);
        expect(t.points[o + d]).toBeLessThan(v - 1);
      }
    }
    // Every inner node is shared by the words below it: same path prefix => same point ids.
    const seen = new Map<string, number>();
    for (let w = 0; w < v; w++) {
      const o = t.codeOffset[w];
      for (let d = 0; d < t.codeLength[w]; d++) {
        const prefix = codeOf(t, w).slice(0, d);
        const p = t.points[o + d];
        if (seen.has(prefix)) expect(seen.get(prefix)).toBe(p);
        else seen.set(prefix, p);
      }
    }
    expect(new Set(seen.values()).size).toBe(v - 1);
  });

  it('handles tiny vocabularies and rejects unsorted counts', () => {
    expect(buildHuffman([7]).codeLength[0]).toBe(0);
    const two = buildHuffman([3, 1]);
    expect(Array.from(two.codeLength)).toEqual([1, 1]);
    expect(codeOf(two, 0)).not.toBe(codeOf(two, 1));
    expect(() => buildHuffman([1, 5])).toThrow(/sorted/);
  });
});
