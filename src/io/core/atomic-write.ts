import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { resolveEncryptionKey } from '../crypto/context.js';
import { EnvelopeSealer } from '../crypto/envelope-sealer.js';
import { EncryptingAtomicWriter, sealedChunks } from '../crypto/encrypting-writer.js';
import type { EncryptionKey } from '../crypto/keys.js';

/** Data accepted by the atomic writers: strings are written as UTF-8. */
export type WritableChunk = string | Uint8Array;

/** Options of the atomic writers. */
export interface AtomicWriteOptions {
  /**
   * Encrypt the file with this key (the envelope of io/crypto); null: write it in plain. Default: the
   * key in effect (`withEncryptionKey` scope, else `setEncryptionKey`, which the CLI's `--key-file` sets).
   */
  encryption?: EncryptionKey | null;
  /** Plaintext bytes per encrypted chunk (default 64 KiB). */
  chunkBytes?: number;
  /** Permissions of a new file (default 0o666 less the umask; an existing target keeps its own). */
  mode?: number;
  /**
   * False skips the fsyncs of the file and of its directory: readers still see the old file or the
   * whole new one, but a power loss may leave the new file missing or damaged. Only for files whose
   * reader checks them (a checksum) and can redo them, such as job shards. Default true.
   */
  durable?: boolean;
}

/**
 * A file being written atomically: bytes go to a temporary file next to the target, and only
 * {@link AtomicWriter.commit} makes them visible under the target name (fsync + rename). Until then,
 * and forever if {@link AtomicWriter.abort} is called or a write fails, the previous target is untouched.
 */
export interface AtomicWriter {
  /** The file that `commit()` replaces (symlinks resolved). */
  readonly path: string;
  /** The temporary file receiving the bytes (same directory as `path`). */
  readonly tempPath: string;
  /** Appends `chunk`. Writes are applied in call order. A failed write aborts the writer and rejects. */
  write(chunk: WritableChunk): Promise<void>;
  /**
   * Puts the bytes written so far on disk (fdatasync of the temporary file) without making them
   * visible: a long streamed write that flushes as it goes leaves `commit` only the last part to
   * sync. Applied in call order with the writes; does nothing for a writer with `durable: false`.
   */
  flush(): Promise<void>;
  /** Flushes to disk and renames the temporary file over the target. */
  commit(): Promise<void>;
  /** Discards the temporary file; the target is left as it was. Safe to call more than once. */
  abort(): Promise<void>;
}

function toBytes(chunk: WritableChunk): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

/** Resolves symlinks of an existing target (so the link is kept and its target replaced) and returns its mode. */
function resolveTargetSync(target: string): { file: string; mode: number | undefined } {
  try {
    const file = fs.realpathSync(target);
    return { file, mode: fs.statSync(file).mode & 0o7777 };
  } catch {
    return { file: path.resolve(target), mode: undefined };
  }
}

async function resolveTarget(target: string): Promise<{ file: string; mode: number | undefined }> {
  try {
    const file = await fsp.realpath(target);
    return { file, mode: (await fsp.stat(file)).mode & 0o7777 };
  } catch {
    return { file: path.resolve(target), mode: undefined };
  }
}

function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Best-effort fsync of a directory so a rename survives a power loss (not supported everywhere). */
function syncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Directories cannot be opened or fsynced on some platforms (e.g. Windows); the rename is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

async function syncDir(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    // See syncDirSync.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

class FileAtomicWriter implements AtomicWriter {
  private state: 'open' | 'committed' | 'aborted' = 'open';
  private closed = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    readonly tempPath: string,
    private readonly handle: fsp.FileHandle,
    private readonly durable = true,
  ) {}

  write(chunk: WritableChunk): Promise<void> {
    const bytes = toBytes(chunk);
    return this.enqueue('write to', async () => {
      let offset = 0;
      while (offset < bytes.length) {
        const { bytesWritten } = await this.handle.write(bytes, offset, bytes.length - offset);
        offset += bytesWritten;
      }
    });
  }

  flush(): Promise<void> {
    return this.enqueue('flush', async () => {
      if (this.durable) await this.handle.datasync();
    });
  }

  /** Runs `step` after the steps before it, while the file is open; a failed step aborts the file. */
  private enqueue(action: string, step: () => Promise<void>): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.notOpen(action));
    const run = async (): Promise<void> => {
      if (this.state !== 'open') throw this.notOpen(action);
      try {
        await step();
      } catch (error) {
        await this.abort();
        throw error;
      }
    };
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async commit(): Promise<void> {
    await this.queue;
    if (this.state !== 'open') throw this.notOpen('commit');
    try {
      if (this.durable) await this.handle.sync();
      this.closed = true;
      await this.handle.close();
      await fsp.rename(this.tempPath, this.path);
    } catch (error) {
      await this.abort();
      throw error;
    }
    this.state = 'committed';
    if (this.durable) await syncDir(path.dirname(this.path));
  }

  async abort(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
    await fsp.rm(this.tempPath, { force: true }).catch(() => undefined);
  }

  private notOpen(action: string): UsageError {
    return new UsageError(`cannot ${action} ${this.path}: the atomic writer is already ${this.state}`);
  }
}

/**
 * Opens an {@link AtomicWriter} for `target`: a uniquely named temporary file is created in the
 * target's directory (so the final rename stays on one file system). An existing target keeps its
 * permissions; if it is a symlink, the file it points to is replaced. With a key (see
 * {@link AtomicWriteOptions.encryption}) the bytes written are encrypted on their way to the file.
 */
export async function openAtomicWriter(target: string, options: AtomicWriteOptions = {}): Promise<AtomicWriter> {
  const key = resolveEncryptionKey(options.encryption);
  const sealer = key ? await EnvelopeSealer.create(key, { chunkBytes: options.chunkBytes }) : undefined;
  const { file, mode: existingMode } = await resolveTarget(target);
  const mode = options.mode ?? existingMode;
  const tempPath = tempNameFor(file);
  const handle = await fsp.open(tempPath, 'wx', mode ?? 0o666);
  if (mode !== undefined) {
    try {
      await handle.chmod(mode);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fsp.rm(tempPath, { force: true });
      throw error;
    }
  }
  const writer = new FileAtomicWriter(file, tempPath, handle, options.durable ?? true);
  return sealer ? new EncryptingAtomicWriter(writer, sealer) : writer;
}

/**
 * Writes `data` to `target` atomically: readers see either the old file or the complete new one,
 * never a partial file. On any error (including one thrown by an iterable producing the data) the
 * temporary file is removed, the old target is untouched, and the error is rethrown.
 */
export async function writeFileAtomic(
  target: string,
  data: WritableChunk | Iterable<WritableChunk> | AsyncIterable<WritableChunk>,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const writer = await openAtomicWriter(target, options);
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await writer.write(data);
    else for await (const chunk of data) await writer.write(chunk);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  await writer.commit();
}

/** Synchronous {@link writeFileAtomic}: same guarantees, blocks the event loop while writing. */
export function writeFileAtomicSync(target: string, data: WritableChunk | Iterable<WritableChunk>, options: AtomicWriteOptions = {}): void {
  const key = resolveEncryptionKey(options.encryption);
  const sealer = key ? EnvelopeSealer.createSync(key, { chunkBytes: options.chunkBytes }) : undefined;
  const { file, mode: existingMode } = resolveTargetSync(target);
  const mode = options.mode ?? existingMode;
  const tempPath = tempNameFor(file);
  const fd = fs.openSync(tempPath, 'wx', mode ?? 0o666);
  let closed = false;
  try {
    if (mode !== undefined) fs.fchmodSync(fd, mode);
    const plain = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
    const chunks = sealer ? sealedChunks(plain, sealer) : plain;
    for (const chunk of chunks) {
      const bytes = toBytes(chunk);
      let offset = 0;
      while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
    }
    if (options.durable ?? true) fs.fsyncSync(fd);
    closed = true;
    fs.closeSync(fd);
    fs.renameSync(tempPath, file);
  } catch (error) {
    if (!closed) {
      try {
        fs.closeSync(fd);
      } catch {
        // Already failing; the original error is more useful.
      }
    }
    fs.rmSync(tempPath, { force: true });
    throw error;
  }
  if (options.durable ?? true) syncDirSync(path.dirname(file));
}
