import { Worker } from 'node:worker_threads';
import { AbortError, EmbedkitError, FileFormatError, throwIfAborted, UsageError } from '../errors.js';
import { workerUrl } from '../kernels/worker-url.js';
import { registerTempFile, type EncodedCorpus } from './encoded-corpus.js';
import type { FileCorpus } from './file-corpus.js';
import { SCAN, type ScanError, type ScanReply, type ScanTask } from './scan-protocol.js';
import type { Tokenizer } from './tokenizer.js';
import type { ScanResult, VocabularyOptions } from './vocab-scanner.js';
import { Vocabulary } from './vocabulary.js';

/** Options of {@link scanInWorker}. */
export interface ScanInWorkerOptions {
  memory: WebAssembly.Memory;
  offset: number;
  memoryBudget: number;
  spillDir?: string;
  fallbackToMemory?: boolean;
  jobTokens?: number;
  signal?: AbortSignal;
  /** Called every `progressInterval` ms with tokens read and the fraction of input bytes read. */
  onProgress?: (tokens: number, fraction: number) => void;
  progressInterval?: number;
}

/**
 * Runs the vocabulary scan of a file corpus on a worker thread (see scan-worker.ts): the event loop
 * stays free and the scan's garbage never reaches this thread's heap. The encoded corpus is
 * written into `memory` at `offset` (or a temp file past `memoryBudget`).
 */
export function scanInWorker(
  corpus: FileCorpus,
  tokenizer: Tokenizer,
  vocabulary: VocabularyOptions,
  o: ScanInWorkerOptions,
): Promise<{ scan: ScanResult; corpus: EncodedCorpus }> {
  throwIfAborted(o.signal);
  const control = new SharedArrayBuffer(SCAN.slots * 8);
  const ctl = new Float64Array(control);
  const task: ScanTask = {
    files: corpus.files,
    fileOptions: { ...corpus.options },
    tokenizer: { ...tokenizer.options, stopWords: [...tokenizer.options.stopWords], locale: tokenizer.options.locale },
    vocabulary,
    memory: o.memory,
    offset: o.offset,
    memoryBudget: o.memoryBudget,
    spillDir: o.spillDir,
    fallbackToMemory: o.fallbackToMemory ?? false,
    jobTokens: o.jobTokens ?? 10000,
    control,
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl(import.meta.url, './scan-worker.js'), { workerData: task });
    let settled = false;
    const progress = () => {
      const total = ctl[SCAN.totalBytes];
      o.onProgress?.(ctl[SCAN.tokens], total > 0 ? ctl[SCAN.bytesRead] / total : NaN);
    };
    const timer = o.onProgress ? setInterval(progress, o.progressInterval ?? 500) : undefined;
    const onAbort = () => {
      ctl[SCAN.abort] = 1;
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (err: Error | undefined, value?: { scan: ScanResult; corpus: EncodedCorpus }) => {
      if (settled) return;
      settled = true;
      if (timer) clearInterval(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else {
        progress();
        resolve(value!);
      }
    };
    worker.on('message', (m: ScanReply | ScanError) => {
      if (m.type === 'error') return settle(rebuildError(m));
      if (m.corpus.kind === 'file') registerTempFile(m.corpus.path);
      const vocabularyResult = new Vocabulary(m.words, m.counts);
      const encoded: EncodedCorpus =
        m.corpus.kind === 'memory'
          ? { kind: 'memory', memory: o.memory, offset: o.offset, length: m.corpus.length, jobs: m.jobs }
          : { kind: 'file', path: m.corpus.path, length: m.corpus.length, jobs: m.jobs };
      settle(undefined, {
        scan: {
          vocabulary: vocabularyResult,
          remap: m.remap,
          rawTokens: m.rawTokens,
          sentences: m.sentences,
          distinctWords: m.distinctWords,
          effectiveMinCount: m.effectiveMinCount,
          prunes: m.prunes,
        },
        corpus: encoded,
      });
    });
    worker.on('error', (e) => settle(new EmbedkitError(`vocabulary scan worker crashed: ${e.message}`)));
    worker.on('exit', (code) => settle(new EmbedkitError(`vocabulary scan worker exited with code ${code} before finishing`)));
  });
}

function rebuildError(m: ScanError): Error {
  let e: Error;
  if (m.name === 'AbortError') e = new AbortError(m.message);
  else if (m.file !== undefined && m.problem !== undefined) e = new FileFormatError(m.file, m.problem);
  else if (m.name === 'UsageError') e = new UsageError(m.message);
  else e = new EmbedkitError(m.message, m.code);
  if (m.stack) e.stack = m.stack;
  return e;
}
