import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { StreamSink } from '../../src/text/encoded-corpus.js';
import { VocabScanner } from '../../src/text/vocab-scanner.js';

class RecordingSink implements StreamSink {
  sentences: number[][] = [[]];
  writeId(id: number) {
    this.sentences[this.sentences.length - 1].push(id);
  }
  endSentence() {
    this.sentences.push([]);
  }
}

const text = ['a b c a', 'b a d', 'a e e e e', 'c b'].map((l) => l.split(' '));

describe('vocabulary scan', () => {
  it('counts, sorts by frequency (ties by first appearance) and applies minCount', () => {
    const s = new VocabScanner({ minCount: 2 });
    text.forEach((t) => s.addSentence(t));
    const r = s.finish();
    expect(r.vocabulary.words).toEqual(['a', 'e', 'b', 'c']);
    expect(Array.from(r.vocabulary.counts)).toEqual([4, 4, 3, 2]);
    expect(r.vocabulary.totalCount).toBe(13);
    expect(r.rawTokens).toBe(14);
    expect(r.sentences).toBe(4);
    expect(r.vocabulary.indexOf('d')).toBe(-1);
    expect(r.vocabulary.has('c')).toBe(true);
  });

  it('writes each sentence as scan ids that remap to vocabulary rows', () => {
    const sink = new RecordingSink();
    const s = new VocabScanner({ minCount: 2 }, sink);
    text.forEach((t) => s.addSentence(t));
    const r = s.finish();
    const decoded = sink.sentences.slice(0, -1).map((ids) => ids.map((id) => (r.remap[id] >= 0 ? r.vocabulary.words[r.remap[id]] : null)));
    expect(decoded).toEqual([
      ['a', 'b', 'c', 'a'],
      ['b', 'a', null],
      ['a', 'e', 'e', 'e', 'e'],
      ['c', 'b'],
    ]);
  });

  it('splits sentences longer than maxSentenceLength', () => {
    const sink = new RecordingSink();
    const s = new VocabScanner({ minCount: 1, maxSentenceLength: 2 }, sink);
    s.addSentence(['x', 'y', 'z', 'x', 'y']);
    s.finish();
    expect(sink.sentences.slice(0, -1).map((x) => x.length)).toEqual([2, 2, 1]);
  });

  it('bounds memory during the scan with maxVocabSize (gensim prune_vocab) ', () => {
    const s = new VocabScanner({ minCount: 1, maxVocabSize: 10 });
    for (let i = 0; i < 1000; i++) s.addSentence(['common', `rare${i}`]);
    const r = s.finish();
    expect(r.prunes).toBeGreaterThan(0);
    expect(r.distinctWords).toBeLessThanOrEqual(10);
    expect(r.vocabulary.words[0]).toBe('common');
    expect(r.vocabulary.counts[0]).toBe(1000);
  });

  it('maxFinalVocab raises the min count so ties are never cut arbitrarily', () => {
    const s = new VocabScanner({ minCount: 1, maxFinalVocab: 2 });
    s.addSentence(['a', 'a', 'a', 'b', 'b', 'c', 'c', 'd']);
    const r = s.finish();
    // counts a3 b2 c2 d1: keeping 2 words would split the b/c tie, so only counts > 2 survive.
    expect(r.vocabulary.words).toEqual(['a']);
    expect(r.effectiveMinCount).toBe(3);
    const t = new VocabScanner({ minCount: 1, maxFinalVocab: 3 });
    t.addSentence(['a', 'a', 'a', 'b', 'b', 'c', 'c', 'd']);
    expect(t.finish().vocabulary.words).toEqual(['a', 'b', 'c']);
  });

  it('rejects bad options', () => {
    expect(() => new VocabScanner({ maxVocabSize: 0 })).toThrow(UsageError);
    expect(() => new VocabScanner({ minCount: 0 }).finish()).toThrow(UsageError);
    expect(() => new VocabScanner({ maxSentenceLength: 1.5 })).toThrow(UsageError);
  });
});
