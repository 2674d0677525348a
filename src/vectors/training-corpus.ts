import { sharedMemory } from '../kernels/wasm.js';
import type { EncodedCorpus } from '../text/encoded-corpus.js';
import type { TrainingInput } from '../text/sentence-source.js';
import type { TextTokenizer } from '../text/text-tokenizer.js';
import type { ScanResult } from '../text/vocab-scanner.js';
import { scanCorpus, type VocabSummary } from './scan-corpus.js';
import type { ResolvedWord2VecOptions } from './word2vec/options.js';

export type { VocabSummary } from './scan-corpus.js';

/** A scanned corpus ready for training: the vocabulary and the id stream in kernel memory (or a file). */
export interface TrainingCorpus {
  memory: WebAssembly.Memory;
  scan: ScanResult;
  corpus: EncodedCorpus;
  summary: VocabSummary;
}

/** The scan settings of the trainers with word2vec's options and progress reports (word2vec, fastText). */
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
 * {@link scanCorpus} into a fresh shared kernel memory whose first `reserved` bytes belong to the
 * kernel module, with the scan's progress reported as word2vec's `TrainingProgress` (phase 'vocab').
 */
export async function scanTrainingCorpus(
  input: TrainingInput,
  tokenizer: TextTokenizer | undefined,
  o: ScanOptions,
  reserved: number,
): Promise<TrainingCorpus> {
  const memory = sharedMemory(reserved);
  const onProgress = (tokens: number, fraction: number, seconds: number) => reportScan(o, tokens, fraction, seconds);
  const { scan, corpus, summary } = await scanCorpus(input, tokenizer, { ...o, onProgress }, memory, reserved);
  return { memory, scan, corpus, summary };
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
