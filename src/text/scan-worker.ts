// Worker-thread entry of the vocabulary scan: reads and tokenizes the corpus files, counts words and
// writes the encoded corpus into the shared kernel memory. Running it here keeps the caller's event
// loop free, and the garbage of tokenizing (one string per token) dies with this thread's heap
// instead of inflating the caller's.
import { parentPort, workerData } from 'node:worker_threads';
import { AbortError, EmbedkitError, FileFormatError } from '../errors.js';
import { EncodedCorpusWriter } from './encoded-corpus.js';
import { FileCorpus } from './file-corpus.js';
import { SCAN, type ScanError, type ScanReply, type ScanTask } from './scan-protocol.js';
import { Tokenizer } from './tokenizer.js';
import { VocabScanner } from './vocab-scanner.js';

async function run(task: ScanTask): Promise<ScanReply> {
  const control = new Float64Array(task.control);
  // Small read chunks: a batch of lines then dies young instead of being promoted to the old
  // generation while its tokens are counted (a 1 MiB batch doubled the peak heap).
  const corpus = await FileCorpus.open(task.files, { ...task.fileOptions, chunkSize: Math.min(task.fileOptions.chunkSize, 1 << 16) });
  control[SCAN.totalBytes] = corpus.totalBytes ?? NaN;
  const tokenizer = new Tokenizer(task.tokenizer);
  const writer = new EncodedCorpusWriter({
    memory: task.memory,
    offset: task.offset,
    memoryBudget: task.memoryBudget,
    spillDir: task.spillDir,
    fallbackToMemory: task.fallbackToMemory,
    jobTokens: task.jobTokens,
  });
  const scanner = new VocabScanner(task.vocabulary, writer);
  try {
    for await (const batch of corpus.sentenceBatches(tokenizer, { maxSentenceLength: task.vocabulary.maxSentenceLength })) {
      for (const tokens of batch) scanner.addSentence(tokens);
      control[SCAN.tokens] = scanner.tokenCount;
      control[SCAN.bytesRead] = corpus.bytesRead;
      if (control[SCAN.abort] !== 0) throw new AbortError('vocabulary scan aborted');
    }
  } catch (e) {
    writer.abort();
    throw e;
  }
  const r = scanner.finish();
  const encoded = writer.finish();
  return {
    type: 'done',
    words: r.vocabulary.words as string[],
    counts: r.vocabulary.counts,
    remap: r.remap,
    rawTokens: r.rawTokens,
    sentences: r.sentences,
    distinctWords: r.distinctWords,
    effectiveMinCount: r.effectiveMinCount,
    prunes: r.prunes,
    corpus:
      encoded.kind === 'memory' ? { kind: 'memory', length: encoded.length } : { kind: 'file', path: encoded.path, length: encoded.length },
    jobs: encoded.jobs,
  };
}

run(workerData as ScanTask).then(
  (reply) => parentPort?.postMessage(reply),
  (e: Error) => {
    const err: ScanError = {
      type: 'error',
      name: e.name,
      message: e.message,
      code: e instanceof EmbedkitError ? e.code : (e as NodeJS.ErrnoException).code,
      ...(e instanceof FileFormatError ? { file: e.file, problem: e.problem } : {}),
      stack: e.stack,
    };
    parentPort?.postMessage(err);
  },
);
