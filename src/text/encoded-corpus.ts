import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
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

/**
 * Training jobs: whole sentences at [offsets[j], offsets[j] + lengths[j]) of the stream, each with
 * about `jobTokens` tokens (counted before the vocabulary cut), cut while the stream is written.
 */
export interface JobTable {
  readonly offsets: Float64Array;
  readonly lengths: Int32Array;
  /** Tokens of each job, counted before the vocabulary cut (for the learning-rate schedule). */
  readonly tokens: Int32Array;
  readonly count: number;
  /** Largest job in bytes. */
  readonly maxJobBytes: number;
}

/** A finished id stream: in a kernel memory at [offset, offset+length), or in a temp file; with its jobs. */
export type EncodedCorpus = (
  | { readonly kind: 'memory'; readonly memory: WebAssembly.Memory; readonly offset: number; readonly length: number }
  | { readonly kind: 'file'; readonly path: string; readonly length: number }
) & { readonly jobs: JobTable };

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
  /** A job ends at the first sentence end after this many tokens (default 10000) … */
  jobTokens?: number;
  /** … or this many bytes (default 64 KiB). */
  jobBytes?: number;
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
  private readonly jobTokens: number;
  private readonly jobBytes: number;
  private jobStart = 0;
  private tokensInJob = 0;
  private readonly jobOffsets: number[] = [];
  private readonly jobLengths: number[] = [];
  private readonly jobTokenCounts: number[] = [];
  private maxJobBytes = 0;
  private budget: number;

  constructor(private readonly options: EncodedCorpusWriterOptions) {
    this.memory = options.memory;
    this.offset = options.offset;
    this.budget = options.memoryBudget ?? 2 ** 30;
    this.jobTokens = options.jobTokens ?? 10000;
    this.jobBytes = options.jobBytes ?? 1 << 16;
  }

  writeId(id: number): void {
    let v = id + 1;
    const s = this.stage;
    while (v >= 0x80) {
      s[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    s[this.pos++] = v;
    this.tokensInJob++;
    if (this.pos > STAGE - 8) this.flush();
  }

  endSentence(): void {
    this.stage[this.pos++] = 0;
    const end = this.written + this.pos;
    if (this.tokensInJob >= this.jobTokens || end - this.jobStart >= this.jobBytes) this.endJob(end);
    if (this.pos > STAGE - 8) this.flush();
  }

  private endJob(end: number): void {
    this.jobOffsets.push(this.jobStart);
    this.jobLengths.push(end - this.jobStart);
    this.jobTokenCounts.push(this.tokensInJob);
    this.maxJobBytes = Math.max(this.maxJobBytes, end - this.jobStart);
    this.jobStart = end;
    this.tokensInJob = 0;
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
    if (this.written > this.jobStart) this.endJob(this.written);
    const jobs: JobTable = {
      offsets: Float64Array.from(this.jobOffsets),
      lengths: Int32Array.from(this.jobLengths),
      tokens: Int32Array.from(this.jobTokenCounts),
      count: this.jobOffsets.length,
      maxJobBytes: this.maxJobBytes,
    };
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
      return { kind: 'file', path: this.path, length: this.written, jobs };
    }
    return { kind: 'memory', memory: this.memory, offset: this.offset, length: this.written, jobs };
  }

  /** Abandons the stream (removes any temp file). */
  abort(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    if (this.path) removeTempFile(this.path);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

const tempFiles = new Set<string>();
let exitHookInstalled = false;
/**
 * Deletes `path` when the process exits. Only the main thread registers: a worker thread's 'exit'
 * fires when the worker ends, and a scan worker hands its temp file over to the main thread
 * (see scan-in-worker.ts), which adopts it with this function. One 'exit' listener per process
 * (adding one each time the set refilled leaked a listener per training run in long-lived processes).
 */
export function registerTempFile(path: string): void {
  if (!isMainThread) return;
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => tempFiles.forEach((p) => tryUnlink(p)));
  }
  tempFiles.add(path);
}
function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

function removeTempFile(path: string): void {
  tryUnlink(path);
  tempFiles.delete(path);
}

/** Deletes a spilled stream's temp file (no-op for in-memory streams). */
export function releaseEncodedCorpus(c: EncodedCorpus): void {
  if (c.kind === 'file') removeTempFile(c.path);
}
