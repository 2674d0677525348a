import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EncodedCorpusWriter, releaseEncodedCorpus, type EncodedCorpus } from '../../src/text/encoded-corpus.js';
import { sharedMemory } from '../../src/kernels/wasm.js';

function write(ids: number[][], options: { budget?: number; jobTokens?: number; jobBytes?: number } = {}) {
  const memory = sharedMemory(65536 * 2);
  const w = new EncodedCorpusWriter({
    memory,
    offset: 1024,
    memoryBudget: options.budget,
    jobTokens: options.jobTokens,
    jobBytes: options.jobBytes,
  });
  for (const s of ids) {
    s.forEach((id) => w.writeId(id));
    w.endSentence();
  }
  return w.finish();
}

function bytesOf(c: EncodedCorpus): number[] {
  return Array.from(c.kind === 'memory' ? new Uint8Array(c.memory.buffer, c.offset, c.length) : readFileSync(c.path));
}

describe('encoded corpus (varint id stream)', () => {
  it('stores small ids in one byte and large ids in LEB128', () => {
    const c = write([
      [0, 126],
      [127, 16383, 16384, 2 ** 31 - 2],
    ]);
    expect(c.kind).toBe('memory');
    // id+1: 1, 127 | 0 | 128 -> 80 01, 16384 -> 80 80 01, 16385 -> 81 80 01, 2^31-1 -> ff ff ff ff 07 | 0
    expect(bytesOf(c)).toEqual([1, 127, 0, 0x80, 0x01, 0x80, 0x80, 0x01, 0x81, 0x80, 0x01, 0xff, 0xff, 0xff, 0xff, 0x07, 0]);
  });

  it('cuts jobs at the first sentence end after jobTokens tokens, covering the stream exactly', () => {
    const sentences = Array.from({ length: 100 }, (_, i) => Array.from({ length: 1 + (i % 4) }, (_, k) => k + i));
    const c = write(sentences, { jobTokens: 30 });
    const { jobs } = c;
    expect(jobs.count).toBeGreaterThan(5);
    let tokens = 0;
    const bytes = bytesOf(c);
    for (let j = 0; j < jobs.count; j++) {
      const job = bytes.slice(jobs.offsets[j], jobs.offsets[j] + jobs.lengths[j]);
      expect(job[job.length - 1]).toBe(0); // ends at a sentence end
      const n = job.filter((b) => b !== 0 && (b & 0x80) === 0).length;
      expect(jobs.tokens[j]).toBe(n);
      if (j < jobs.count - 1) {
        expect(n).toBeGreaterThanOrEqual(30);
        expect(n).toBeLessThan(34);
        expect(jobs.offsets[j + 1]).toBe(jobs.offsets[j] + jobs.lengths[j]);
      }
      tokens += n;
      expect(jobs.maxJobBytes).toBeGreaterThanOrEqual(jobs.lengths[j]);
    }
    expect(tokens).toBe(sentences.flat().length);
    expect(jobs.offsets[jobs.count - 1] + jobs.lengths[jobs.count - 1]).toBe(c.length);
  });

  it('also cuts by bytes', () => {
    const c = write(
      Array.from({ length: 50 }, () => [20000, 20001, 20002]),
      { jobTokens: 1e9, jobBytes: 40 },
    );
    expect(c.jobs.count).toBe(Math.ceil((50 * 10) / 40));
  });

  it('spills to a temp file past the memory budget, with identical bytes and jobs', () => {
    const sentences = Array.from({ length: 3000 }, (_, i) => [i, i + 1, 5]);
    const inMemory = write(sentences, { jobTokens: 500 });
    const spilled = write(sentences, { budget: 100, jobTokens: 500 });
    expect(spilled.kind).toBe('file');
    expect(spilled.length).toBe(inMemory.length);
    expect(bytesOf(spilled)).toEqual(bytesOf(inMemory));
    expect(Array.from(spilled.jobs.offsets)).toEqual(Array.from(inMemory.jobs.offsets));
    expect(Array.from(spilled.jobs.tokens)).toEqual(Array.from(inMemory.jobs.tokens));
    if (spilled.kind === 'file') {
      expect(existsSync(spilled.path)).toBe(true);
      releaseEncodedCorpus(spilled);
      expect(existsSync(spilled.path)).toBe(false);
    }
  });

  it('adds at most one process exit listener however many corpora spill and are released', () => {
    const sentences = Array.from({ length: 300 }, (_, i) => [i, i + 1, 5]);
    releaseEncodedCorpus(write(sentences, { budget: 100, jobTokens: 500 })); // the hook, if not there yet
    const before = process.listenerCount('exit');
    for (let i = 0; i < 15; i++) {
      const c = write(sentences, { budget: 100, jobTokens: 500 });
      expect(c.kind).toBe('file');
      releaseEncodedCorpus(c);
    }
    expect(process.listenerCount('exit')).toBe(before);
  });

  it('falls back to memory when asked and the temp folder is unusable', () => {
    const memory = sharedMemory(65536 * 2);
    const w = new EncodedCorpusWriter({ memory, offset: 0, memoryBudget: 0, spillDir: '/nonexistent', fallbackToMemory: true });
    w.writeId(3);
    w.endSentence();
    expect(w.finish().kind).toBe('memory');
    const strict = new EncodedCorpusWriter({ memory, offset: 0, memoryBudget: 0, spillDir: '/nonexistent' });
    strict.writeId(3);
    strict.endSentence();
    expect(() => strict.finish()).toThrow(/cannot create temp file .* \/nonexistent/);
  });
});
