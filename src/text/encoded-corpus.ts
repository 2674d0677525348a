import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { EmbedkitError } from '../errors.js';
import { ensureMemory } from '../kernels/wasm.js';

/**
 * Where a tokenized corpus is written as ids: one LEB128 varint per token holding id + 1, and a 0
 * byte at the end of each sentence. Frequent words get small ids, so most tokens take 1–2 bytes:
 * the whole corpus stays in memory at a fraction of its text size, and each training epoch decodes
 * it in the WASM kernel instead of tokenizing the text again.
 */
export interface StreamSink {
  writeId(id: number): void;
  endSentence(): void;
}

/** A finished id stream: in a kernel memory at [offset, offset+length), or in a temp file. */
export type EncodedCorpus =
  | { readonly kind: 'memory'; readonly memory: WebAssembly.Memory; readonly offset: number; readonly length: number }
  | { readonly kind: 'file'; readonly path: string; readonly length: number };

export interface EncodedCorpusWriterOptions {
  /** Kernel memory to write into, starting at `offset`; grown as needed. */
  memory: WebAssembly.Memory;
  offset: number;
  /**
   * Above this many bytes the stream moves to a temp file (corpora larger than RAM). Default 1 GiB;
   * 0 = always a temp file.
   */
  memoryBudget?: number;
  /** Folder for the temp file. Default os.tmpdir(). */
  spillDir?: string;
  /** If the temp file cannot be created, keep the stream in memory instead of failing. Default false. */
  fallbackToMemory?: boolean;
}

const STAGE = 1 << 20;

/** Writes an id stream (see StreamSink) to kernel memory, spilling to a temp file past a budget. */
export class EncodedCorpusWriter implements StreamSink {
  private stage = new Uint8Array(STAGE);
  private pos = 0;
  private written = 0;
  private fd = -1;
  private path = '';
  private readonly memory: WebAssembly.Memory;
  private readonly offset: number;
  private budget: number;

  constructor(private readonly options: EncodedCorpusWriterOptions) {
    this.memory = options.memory;
    this.offset = options.offset;
    this.budget = options.memoryBudget ?? 2 ** 30;
  }

  writeId(id: number): void {
    let v = id + 1;
    const s = this.stage;
    while (v >= 0x80) {
      s[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    s[this.pos++] = v;
    if (this.pos > STAGE - 8) this.flush();
  }

  endSentence(): void {
    this.stage[this.pos++] = 0;
    if (this.pos > STAGE - 8) this.flush();
  }

  /** Bytes written so far. */
  get byteLength(): number {
    return this.written + this.pos;
  }

  private flush(): void {
    if (this.pos === 0) return;
    const chunk = this.stage.subarray(0, this.pos);
    if (this.fd < 0 && this.written + chunk.length > this.budget) this.spill();
    if (this.fd < 0 && this.written + chunk.length > this.budget) this.budget = Infinity; // fell back to memory
    if (this.fd >= 0) {
      writeAll(this.fd, chunk);
    } else {
      ensureMemory(this.memory, this.offset + this.written + chunk.length);
      new Uint8Array(this.memory.buffer, this.offset + this.written, chunk.length).set(chunk);
    }
    this.written += chunk.length;
    this.pos = 0;
  }

  /** Moves what is in memory so far to a temp file; the rest is appended there. */
  private spill(): void {
    const dir = this.options.spillDir ?? tmpdir();
    this.path = join(dir, `embedkit-corpus-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}.ids`);
    try {
      this.fd = openSync(this.path, 'wx+', 0o600);
    } catch (e) {
      if (this.options.fallbackToMemory) return;
      throw new EmbedkitError(`cannot create temp file for the encoded corpus in ${dir}: ${(e as Error).message}`);
    }
    registerTempFile(this.path);
    if (this.written > 0) writeAll(this.fd, new Uint8Array(this.memory.buffer, this.offset, this.written));
  }

  /** Flushes and returns the finished stream. */
  finish(): EncodedCorpus {
    this.flush();
    this.stage = new Uint8Array(0);
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
      return { kind: 'file', path: this.path, length: this.written };
    }
    return { kind: 'memory', memory: this.memory, offset: this.offset, length: this.written };
  }

  /** Abandons the stream (removes any temp file). */
  abort(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    if (this.path) releaseEncodedCorpus({ kind: 'file', path: this.path, length: 0 });
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

const tempFiles = new Set<string>();
/**
 * Deletes `path` when the process exits. Only the main thread registers: a worker thread's 'exit'
 * fires when the worker ends, and a scan worker hands its temp file over to the main thread
 * (see scan-in-worker.ts), which adopts it with this function.
 */
export function registerTempFile(path: string): void {
  if (!isMainThread) return;
  if (tempFiles.size === 0) process.once('exit', () => tempFiles.forEach((p) => tryUnlink(p)));
  tempFiles.add(path);
}
function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

/** Deletes a spilled stream's temp file (no-op for in-memory streams). */
export function releaseEncodedCorpus(c: EncodedCorpus): void {
  if (c.kind === 'file') {
    tryUnlink(c.path);
    tempFiles.delete(c.path);
  }
}

/** A training job: whole sentences at [offset, offset+length) of the stream, with `words` in-vocabulary tokens. */
export interface JobTable {
  readonly offsets: Float64Array;
  readonly lengths: Int32Array;
  readonly words: Float64Array;
  readonly count: number;
  /** In-vocabulary tokens in the whole stream (one epoch). */
  readonly totalWords: number;
  /** Largest job in bytes. */
  readonly maxJobBytes: number;
}

/**
 * Cuts the stream into jobs of about `jobWords` in-vocabulary tokens (or `jobBytes` bytes), at
 * sentence ends, and counts the in-vocabulary tokens via `remap`. Fails on a malformed stream.
 */
export function splitJobs(corpus: EncodedCorpus, remap: Int32Array, jobWords = 10000, jobBytes = 1 << 16): JobTable {
  const offsets: number[] = [];
  const lengths: number[] = [];
  const words: number[] = [];
  let total = 0;
  let maxJobBytes = 0;
  let jobStart = 0;
  let jobWordsSoFar = 0;
  let v = 0;
  let shift = 0;
  const visit = (bytes: Uint8Array, base: number) => {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      v += (b & 0x7f) * 2 ** shift;
      if (b & 0x80) {
        shift += 7;
        if (shift > 28) throw new EmbedkitError(`encoded corpus is corrupt at byte ${base + i}`);
        continue;
      }
      if (v === 0) {
        const end = base + i + 1;
        if (jobWordsSoFar >= jobWords || end - jobStart >= jobBytes) {
          offsets.push(jobStart);
          lengths.push(end - jobStart);
          words.push(jobWordsSoFar);
          maxJobBytes = Math.max(maxJobBytes, end - jobStart);
          jobStart = end;
          jobWordsSoFar = 0;
        }
      } else {
        if (v > remap.length) throw new EmbedkitError(`encoded corpus has id ${v - 1} beyond the scan (${remap.length})`);
        if (remap[v - 1] >= 0) {
          jobWordsSoFar++;
          total++;
        }
      }
      v = 0;
      shift = 0;
    }
  };
  if (corpus.kind === 'memory') {
    visit(new Uint8Array(corpus.memory.buffer, corpus.offset, corpus.length), 0);
  } else {
    const fd = openSync(corpus.path, 'r');
    try {
      const buf = new Uint8Array(1 << 22);
      for (let pos = 0; pos < corpus.length; ) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, corpus.length - pos), pos);
        if (n <= 0) throw new EmbedkitError(`${corpus.path}: encoded corpus file ends early at byte ${pos}`);
        visit(buf.subarray(0, n), pos);
        pos += n;
      }
    } finally {
      closeSync(fd);
    }
  }
  if (jobStart < corpus.length) {
    offsets.push(jobStart);
    lengths.push(corpus.length - jobStart);
    words.push(jobWordsSoFar);
    maxJobBytes = Math.max(maxJobBytes, corpus.length - jobStart);
  }
  return {
    offsets: Float64Array.from(offsets),
    lengths: Int32Array.from(lengths),
    words: Float64Array.from(words),
    count: offsets.length,
    totalWords: total,
    maxJobBytes,
  };
}
