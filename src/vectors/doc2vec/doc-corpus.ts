import { UsageError } from '../../errors.js';
import { Vocabulary } from '../../text/vocabulary.js';
import type { TaggedDocument } from './documents.js';

/** Documents encoded for the doc2vec kernel, with their vocabulary and tags. */
export interface DocumentCorpus {
  vocabulary: Vocabulary;
  /** Distinct tags, in first-seen order: tag i is row i of the document vectors. */
  tags: string[];
  /**
   * The documents as int32 values (see src/kernels/c/doc2vec.c): n_tags, n_words, tag rows, word
   * rows (words outside the vocabulary dropped).
   */
  stream: Int32Array;
  /** Jobs: byte offset and length in `stream`, in-vocabulary words, cut at document ends. */
  jobOffsets: Float64Array;
  jobLengths: Int32Array;
  jobWords: Int32Array;
  documents: number;
  /** Tokens of all documents (before the vocabulary cut) and those in the vocabulary. */
  rawTokens: number;
  trainedTokens: number;
  /** Documents none of whose words made the vocabulary (their vectors stay at their random start). */
  untrainedDocuments: number;
}

/**
 * Counts the words of `docs`, keeps those seen at least `minCount` times (sorted by count, ties in
 * first-seen order, as the word2vec vocabulary), numbers the tags, and encodes the documents into
 * jobs of about `jobWords` words.
 */
export function encodeDocuments(docs: readonly TaggedDocument[], minCount: number, jobWords: number): DocumentCorpus {
  if (docs.length === 0) throw new UsageError('no documents to train on');
  const counts = new Map<string, number>();
  let rawTokens = 0;
  for (const d of docs) {
    rawTokens += d.words.length;
    for (const w of d.words) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const kept = [...counts].filter(([, c]) => c >= minCount);
  kept.sort((a, b) => b[1] - a[1]); // stable: ties keep first-seen order
  if (kept.length === 0) throw new UsageError(`no word occurs at least minCount (${minCount}) times in the documents`);
  const vocabulary = new Vocabulary(
    kept.map(([w]) => w),
    Float64Array.from(kept, ([, c]) => c),
  );
  const tagRow = new Map<string, number>();
  let values = 0;
  for (const d of docs) {
    for (const t of d.tags) if (!tagRow.has(t)) tagRow.set(t, tagRow.size);
    values += 2 + d.tags.length + d.words.length;
  }
  const stream = new Int32Array(values);
  const offsets: number[] = [];
  const lengths: number[] = [];
  const words: number[] = [];
  let at = 0;
  let jobStart = 0;
  let jobWordCount = 0;
  let trainedTokens = 0;
  let untrainedDocuments = 0;
  for (const d of docs) {
    const head = at;
    stream[at + 0] = d.tags.length;
    at += 2;
    for (const t of d.tags) stream[at++] = tagRow.get(t)!;
    let n = 0;
    for (const w of d.words) {
      const id = vocabulary.indexOf(w);
      if (id >= 0) stream[at + n++] = id;
    }
    stream[head + 1] = n;
    at += n;
    trainedTokens += n;
    if (n === 0) untrainedDocuments++;
    jobWordCount += n;
    if (jobWordCount >= jobWords) {
      offsets.push(jobStart * 4);
      lengths.push((at - jobStart) * 4);
      words.push(jobWordCount);
      jobStart = at;
      jobWordCount = 0;
    }
  }
  if (at > jobStart) {
    offsets.push(jobStart * 4);
    lengths.push((at - jobStart) * 4);
    words.push(jobWordCount);
  }
  return {
    vocabulary,
    tags: [...tagRow.keys()],
    stream: stream.subarray(0, at),
    jobOffsets: Float64Array.from(offsets),
    jobLengths: Int32Array.from(lengths),
    jobWords: Int32Array.from(words),
    documents: docs.length,
    rawTokens,
    trainedTokens,
    untrainedDocuments,
  };
}
