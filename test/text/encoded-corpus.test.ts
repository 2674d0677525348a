import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EncodedCorpusWriter, releaseEncodedCorpus, splitJobs } from '../../src/text/encoded-corpus.js';
import { sharedMemory } from '../../src/kernels/wasm.js';

function write(ids: number[][], budget?: number) {
  const memory = sharedMemory(65536 * 2);
  const w = new EncodedCorpusWriter({ memory, offset: 1024, memoryBudget: budget });
  for (const s of ids) {
    s.forEach((id) => w.writeId(id));
    w.endSentence();
  }
  return w.finish();
}

describe('encoded corpus (varint id stream)', () => {
  it('stores small ids in one byte and large ids in LEB128', () => {
    const c = write([[0, 126], [127, 16383, 16384, 2 ** 31 - 2]]);
    expect(c.kind).toBe('memory');
    if (c.kind !== 'memory') return;
    const bytes = Array.from(new Uint8Array(c.memory.buffer, c.offset, c.length));
    // id+1: 1, 127 | 0 | 128 -> 80 01, 16384 -> 80 80 01, 16385 -> 81 80 01, 2^31-1 -> ff ff ff ff 07 | 0
    expect(bytes).toEqual([1, 127, 0, 0x80, 0x01, 0x80, 0x80, 0x01, 0x81, 0x80, 0x01, 0xff, 0xff, 0xff, 0xff, 0x07, 0]);
  });

  it('cuts jobs at sentence ends and counts only in-vocabulary ids', () => {
    const sentences = Array.from({ length: 100 }, (_, i) => [i % 3, 1, 2, 3]);
    const c = write(sentences);
    const remap = Int32Array.from([0, 1, -1, 2]); // id 2 dropped
    const jobs = splitJobs(c, remap, 30);
    // per sentence: ids 1 and 3 always count, id i%3 counts unless it is 2 (33 sentences)
    expect(jobs.totalWords).toBe(200 + 67);
    expect(Array.from(jobs.words).reduce((a, b) => a + b, 0)).toBe(267);
    for (let j = 0; j < jobs.count - 1; j++) {
      expect(jobs.words[j]).toBeGreaterThanOrEqual(30);
      expect(jobs.words[j]).toBeLessThan(33);
      expect(jobs.offsets[j + 1]).toBe(jobs.offsets[j] + jobs.lengths[j]);
    }
    expect(jobs.offsets[jobs.count - 1] + jobs.lengths[jobs.count - 1]).toBe(c.length);
  });

  it('spills to a temp file past the memory budget, with identical bytes', () => {
    const sentences = Array.from({ length: 3000 }, (_, i) => [i, i + 1, 5]);
    const inMemory = write(sentences);
    const spilled = write(sentences, 100);
    expect(spilled.kind).toBe('file');
    expect(spilled.length).toBe(inMemory.length);
    const remap = Int32Array.from({ length: 3010 }, (_, i) => i);
    const a = splitJobs(inMemory, remap, 500);
    const b = splitJobs(spilled, remap, 500);
    expect(Array.from(b.offsets)).toEqual(Array.from(a.offsets));
    expect(b.totalWords).toBe(9000);
    if (spilled.kind === 'file') {
      expect(existsSync(spilled.path)).toBe(true);
      releaseEncodedCorpus(spilled);
      expect(existsSync(spilled.path)).toBe(false);
    }
  });

  it('rejects a stream with ids beyond the scan', () => {
    const c = write([[5]]);
    expect(() => splitJobs(c, new Int32Array(3))).toThrow(/beyond the scan/);
  });
});
