import { AbortError, EmbedkitError } from '../errors.js';
import { sharedMemory } from '../kernels/wasm.js';
import { EncodedCorpusWriter, releaseEncodedCorpus, type EncodedCorpus } from '../text/encoded-corpus.js';
import { scanInWorker } from '../text/scan-in-worker.js';
import { asFileCorpus, toSentenceSource, type SentenceSource, type TrainingInput } from '../text/sentence-source.js';
import { Tokenizer } from '../text/tokenizer.js';
import type { TextTokenizer } from '../text/text-tokenizer.js';
import { VocabScanner, type ScanResult, type VocabularyOptions } from '../text/vocab-scanner.js';
import type { ResolvedWord2VecOptions } from './word2vec/options.js';

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

/** A scanned corpus ready for training: the vocabulary and the id stream in kernel memory (or a file). */
export interface TrainingCorpus {
  memory: WebAssembly.Memory;
  scan: ScanResult;
  corpus: EncodedCorpus;
  summary: VocabSummary;
}

/** The scan settings shared by the word-vector trainers (word2vec, fastText). */
export type ScanOptions = Pick<
  ResolvedWord2VecOptions,
  | 'minCount'
  | 'maxVocabSize'
  | 'maxFinalVocab'
  | 'maxSentenceLength'
  | 'corpusStorage'
  | 'corpusMemoryBudget'
  | 'tempDir'
  | 'jobWords'
  | 'signal'
  | 'progressInterval'
  | 'onProgress'
  | 'epochs'
  | 'alpha'
>;

/**
 * Scans the corpus once: counts words, applies minCount/maxVocabSize/maxFinalVocab, and keeps the
 * corpus as a compact id stream for training (see `corpusStorage`), starting at byte `reserved` of
 * a fresh shared kernel memory. Files are scanned on a worker thread (with the default Tokenizer or
 * a given `Tokenizer`); other inputs on this thread.
 */
export async function scanTrainingCorpus(
  input: TrainingInput,
  tokenizer: TextTokenizer | undefined,
  o: ScanOptions,
  reserved: number,
): Promise<TrainingCorpus> {
  const t0 = performance.now();
  const memory = sharedMemory(reserved);
  const files = await asFileCorpus(input);
  const { scan, corpus } =
    files && (tokenizer === undefined || tokenizer instanceof Tokenizer)
      ? await scanInWorker(files, tokenizer ?? new Tokenizer(), vocabularyOptions(o), {
          memory,
          offset: reserved,
          ...corpusWriterOptions(o),
          signal: o.signal,
          progressInterval: o.progressInterval,
          onProgress: (tokens, fraction) => reportScan(o, tokens, fraction, (performance.now() - t0) / 1000),
        })
      : await scanHere(o, await toSentenceSource(input, tokenizer, o.maxSentenceLength), memory, reserved, t0);
  if (scan.vocabulary.size === 0) {
    releaseEncodedCorpus(corpus);
    throw new EmbedkitError(
      `the corpus has no word with count >= ${scan.effectiveMinCount} (${scan.rawTokens} tokens in ${scan.sentences} sentences); lower minCount or give more text`,
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  reportScan(o, scan.rawTokens, 1, seconds);
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
  return { memory, scan, corpus, summary };
}

function corpusWriterOptions(o: ScanOptions): { memoryBudget: number; spillDir?: string; fallbackToMemory: boolean; jobTokens: number } {
  return o.corpusStorage === 'file'
    ? { memoryBudget: 0, spillDir: o.tempDir, fallbackToMemory: true, jobTokens: o.jobWords }
    : { memoryBudget: o.corpusMemoryBudget, spillDir: o.tempDir, fallbackToMemory: false, jobTokens: o.jobWords };
}

/** The scan on this thread, for in-memory sources and custom tokenizers. */
async function scanHere(
  o: ScanOptions,
  source: SentenceSource,
  memory: WebAssembly.Memory,
  reserved: number,
  t0: number,
): Promise<{ scan: ScanResult; corpus: EncodedCorpus }> {
  const writer = new EncodedCorpusWriter({ memory, offset: reserved, ...corpusWriterOptions(o) });
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
        reportScan(o, scanner.tokenCount, source.progress?.() ?? NaN, (now - t0) / 1000);
      }
    }
  } catch (e) {
    writer.abort();
    throw e;
  }
  const scan = scanner.finish();
  return { scan, corpus: writer.finish() };
}

function reportScan(o: ScanOptions, tokens: number, fraction: number, seconds: number): void {
  if (!o.onProgress) return;
  const f = Number.isFinite(fraction) ? fraction : 0;
  o.onProgress({
    phase: 'vocab',
    fraction: f,
    epoch: 0,
    epochs: o.epochs,
    wordsDone: tokens,
    wordsTotal: NaN,
    wordsPerSecond: seconds > 0 ? tokens / seconds : 0,
    alpha: o.alpha,
    etaSeconds: f > 0 ? (seconds * (1 - f)) / f : NaN,
    seconds,
  });
}

function vocabularyOptions(o: ScanOptions): VocabularyOptions {
  return { minCount: o.minCount, maxVocabSize: o.maxVocabSize, maxFinalVocab: o.maxFinalVocab, maxSentenceLength: o.maxSentenceLength };
}
