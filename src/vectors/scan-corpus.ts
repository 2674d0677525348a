import { AbortError, EmbedkitError } from '../errors.js';
import { EncodedCorpusWriter, releaseEncodedCorpus, type EncodedCorpus } from '../text/encoded-corpus.js';
import { scanInWorker } from '../text/scan-in-worker.js';
import { asFileCorpus, toSentenceSource, type SentenceSource, type TrainingInput } from '../text/sentence-source.js';
import { Tokenizer } from '../text/tokenizer.js';
import type { TextTokenizer } from '../text/text-tokenizer.js';
import { VocabScanner, type ScanResult, type VocabularyOptions } from '../text/vocab-scanner.js';

/** How a trainer wants its corpus scanned and kept (shared by word2vec and GloVe). */
export interface CorpusScanOptions extends VocabularyOptions {
  minCount: number;
  maxSentenceLength: number;
  /** 'file': the encoded corpus in a temp file; 'memory': in `memory` up to `corpusMemoryBudget`. */
  corpusStorage: 'file' | 'memory';
  corpusMemoryBudget: number;
  tempDir?: string;
  jobWords: number;
  signal?: AbortSignal;
  progressInterval: number;
  /** Tokens read so far, fraction of the input read (NaN when unknown), seconds since the start. */
  onProgress?: (tokens: number, fraction: number, seconds: number) => void;
}

/** Figures of the vocabulary scan. */
export interface VocabSummary {
  vocabSize: number;
  rawTokens: number;
  sentences: number;
  distinctWords: number;
  effectiveMinCount: number;
  prunes: number;
  seconds: number;
  /** Bytes of the encoded corpus kept for training, and where. */
  encodedBytes: number;
  encodedIn: 'memory' | 'file';
}

/**
 * Scans a training corpus once: counts words, applies minCount/maxVocabSize/maxFinalVocab, and keeps
 * the corpus as a compact id stream (see encoded-corpus.ts) in `memory` at `offset` or a temp file.
 * Files are scanned on a worker thread (with the default Tokenizer or a given `Tokenizer`); other
 * inputs on this thread. Throws if no word reaches minCount.
 */
export async function scanCorpus(
  input: TrainingInput,
  tokenizer: TextTokenizer | undefined,
  o: CorpusScanOptions,
  memory: WebAssembly.Memory,
  offset: number,
): Promise<{ scan: ScanResult; corpus: EncodedCorpus; summary: VocabSummary }> {
  const t0 = performance.now();
  const writer = writerOptions(o);
  const files = await asFileCorpus(input);
  const { scan, corpus } =
    files && (tokenizer === undefined || tokenizer instanceof Tokenizer)
      ? await scanInWorker(files, tokenizer ?? new Tokenizer(), vocabularyOptions(o), {
          memory,
          offset,
          ...writer,
          signal: o.signal,
          progressInterval: o.progressInterval,
          onProgress: (tokens, fraction) => o.onProgress?.(tokens, fraction, (performance.now() - t0) / 1000),
        })
      : await scanHere(await toSentenceSource(input, tokenizer, o.maxSentenceLength), o, memory, offset, t0);
  if (scan.vocabulary.size === 0) {
    releaseEncodedCorpus(corpus);
    throw new EmbedkitError(
      `the corpus has no word with count >= ${scan.effectiveMinCount} (${scan.rawTokens} tokens in ${scan.sentences} sentences); lower minCount or give more text`,
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  o.onProgress?.(scan.rawTokens, 1, seconds);
  const summary: VocabSummary = {
    vocabSize: scan.vocabulary.size,
    rawTokens: scan.rawTokens,
    sentences: scan.sentences,
    distinctWords: scan.distinctWords,
    effectiveMinCount: scan.effectiveMinCount,
    prunes: scan.prunes,
    seconds,
    encodedBytes: corpus.length,
    encodedIn: corpus.kind,
  };
  return { scan, corpus, summary };
}

function writerOptions(o: CorpusScanOptions): { memoryBudget: number; spillDir?: string; fallbackToMemory: boolean; jobTokens: number } {
  return o.corpusStorage === 'file'
    ? { memoryBudget: 0, spillDir: o.tempDir, fallbackToMemory: true, jobTokens: o.jobWords }
    : { memoryBudget: o.corpusMemoryBudget, spillDir: o.tempDir, fallbackToMemory: false, jobTokens: o.jobWords };
}

/** The scan on this thread, for in-memory sources and custom tokenizers. */
async function scanHere(
  source: SentenceSource,
  o: CorpusScanOptions,
  memory: WebAssembly.Memory,
  offset: number,
  t0: number,
): Promise<{ scan: ScanResult; corpus: EncodedCorpus }> {
  const writer = new EncodedCorpusWriter({ memory, offset, ...writerOptions(o) });
  const scanner = new VocabScanner(vocabularyOptions(o), writer);
  let lastReport = t0;
  try {
    for await (const batch of source.sentenceBatches(o.signal)) {
      for (const tokens of batch) scanner.addSentence(tokens);
      if (o.signal?.aborted) throw new AbortError('vocabulary scan aborted');
      const now = performance.now();
      if (now - lastReport >= o.progressInterval) {
        lastReport = now;
        // A synchronous source would otherwise hold the event loop for the whole scan.
        await new Promise((r) => setImmediate(r));
        o.onProgress?.(scanner.tokenCount, source.progress?.() ?? NaN, (now - t0) / 1000);
      }
    }
  } catch (e) {
    writer.abort();
    throw e;
  }
  const scan = scanner.finish();
  return { scan, corpus: writer.finish() };
}

function vocabularyOptions(o: CorpusScanOptions): VocabularyOptions {
  return { minCount: o.minCount, maxVocabSize: o.maxVocabSize, maxFinalVocab: o.maxFinalVocab, maxSentenceLength: o.maxSentenceLength };
}
