// A .fvecs/.ivecs/.bvecs file written block by block as rows arrive (an embedding run's output),
// atomically: nothing is visible under the target name before `commit`, and memory holds one
// block, not the matrix (50 M rows × 384 dims are 77 GB). The bytes are synced as they go, so
// the commit at the end has at most `syncBytes` left to put on disk.
import { UsageError } from '../../errors.js';
import { openAtomicWriter, type AtomicWriteOptions, type AtomicWriter } from '../core/atomic-write.js';
import { checkPath } from '../core/check-path.js';
import { checkMatrix, checkVecsDim, encodeVecs } from './vecs-write.js';
import { checkVecsKind, vecsRowBytes, type VecsArrayTypes, type VecsKind } from './vecs-layout.js';

/** Options of {@link openVecsWriter}. */
export interface VecsWriterOptions extends AtomicWriteOptions {
  /** Bytes appended between two syncs of the temporary file (default 16 MiB; 0: only at commit). */
  syncBytes?: number;
}

/** Rows appended in order to a vecs file that appears whole at {@link VecsWriter.commit}. */
export interface VecsWriter<T> {
  readonly path: string;
  /** Rows appended so far. */
  readonly rows: number;
  /** Appends `data` (`k × dim` values, k ≥ 0). Calls apply in order; a failed write aborts the file. */
  append(data: T): Promise<void>;
  /** Syncs and renames over the target. UsageError when no row was appended (such a file has no dimension). */
  commit(): Promise<void>;
  /** Drops the temporary file; the target stays as it was. */
  abort(): Promise<void>;
}

const DEFAULT_SYNC_BYTES = 16 << 20;

class StreamingVecsWriter<K extends VecsKind> implements VecsWriter<VecsArrayTypes[K]> {
  rows = 0;
  private unsynced = 0;

  constructor(
    private readonly writer: AtomicWriter,
    private readonly kind: K,
    private readonly dim: number,
    private readonly syncBytes: number,
  ) {}

  get path(): string {
    return this.writer.path;
  }

  async append(data: VecsArrayTypes[K]): Promise<void> {
    const { kind, dim } = this;
    if (data.length === 0) return;
    let rows: number;
    try {
      rows = checkMatrix(kind, { data, dim });
    } catch (error) {
      await this.writer.abort();
      throw error;
    }
    this.rows += rows;
    for (const chunk of encodeVecs(kind, data, dim, rows)) await this.writer.write(chunk);
    this.unsynced += rows * vecsRowBytes(kind, dim);
    if (this.syncBytes > 0 && this.unsynced >= this.syncBytes) {
      this.unsynced = 0;
      await this.writer.flush();
    }
  }

  async commit(): Promise<void> {
    if (this.rows === 0) {
      await this.writer.abort();
      throw new UsageError(
        `cannot write an .${this.kind} file of 0 rows (an empty file has no dimension and readers refuse it): ${this.path}`,
      );
    }
    await this.writer.commit();
  }

  abort(): Promise<void> {
    return this.writer.abort();
  }
}

/**
 * Opens `file` for writing `kind` rows of `dim` values block by block (a temporary file next to
 * it until {@link VecsWriter.commit}). UsageError for a bad kind or dim.
 */
export async function openVecsWriter<K extends VecsKind>(
  file: string,
  kind: K,
  dim: number,
  options: VecsWriterOptions = {},
): Promise<VecsWriter<VecsArrayTypes[K]>> {
  checkPath(file);
  checkVecsKind(kind);
  checkVecsDim(dim);
  const { syncBytes = DEFAULT_SYNC_BYTES, ...atomic } = options;
  if (!Number.isSafeInteger(syncBytes) || syncBytes < 0)
    throw new UsageError(`syncBytes must be a non-negative integer, got ${String(syncBytes)}`);
  return new StreamingVecsWriter(await openAtomicWriter(file, atomic), kind, dim, syncBytes);
}
