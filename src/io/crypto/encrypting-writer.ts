import type { AtomicWriter, WritableChunk } from '../core/atomic-write.js';
import type { EnvelopeSealer } from './envelope-sealer.js';

/** Plaintext handed to the sealer at a time: bounds the ciphertext held before it is written. */
const SEGMENT_BYTES = 1 << 20;

const toBytes = (chunk: WritableChunk): Uint8Array => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);

function concat(parts: Buffer[]): Buffer {
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** `chunks` sealed into an envelope, about 1 MiB of ciphertext at a time (for the synchronous writers). */
export function* sealedChunks(chunks: Iterable<WritableChunk>, sealer: EnvelopeSealer): Generator<Uint8Array> {
  for (const chunk of chunks) {
    const bytes = toBytes(chunk);
    for (let offset = 0; offset < bytes.length; offset += SEGMENT_BYTES) {
      const out = sealer.push(bytes.subarray(offset, offset + SEGMENT_BYTES));
      if (out.length > 0) yield concat(out);
    }
  }
  yield concat(sealer.finish());
}

/**
 * An {@link AtomicWriter} that encrypts: plaintext written to it is sealed chunk by chunk and the
 * envelope goes to the inner writer's temporary file, so the target is still replaced only by
 * `commit` (which seals the final chunk first). A large write is sealed and written 1 MiB at a time,
 * so the ciphertext is never held whole.
 */
export class EncryptingAtomicWriter implements AtomicWriter {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly inner: AtomicWriter,
    private readonly sealer: EnvelopeSealer,
  ) {}

  get path(): string {
    return this.inner.path;
  }

  get tempPath(): string {
    return this.inner.tempPath;
  }

  write(chunk: WritableChunk): Promise<void> {
    const bytes = toBytes(chunk);
    return this.enqueue(async () => {
      for (let offset = 0; offset < bytes.length; offset += SEGMENT_BYTES) {
        const out = this.sealer.push(bytes.subarray(offset, offset + SEGMENT_BYTES));
        if (out.length > 0) await this.inner.write(concat(out));
      }
    });
  }

  /** Flushes the envelope written so far (the chunk being sealed stays in memory until it is full or committed). */
  flush(): Promise<void> {
    return this.enqueue(() => this.inner.flush());
  }

  commit(): Promise<void> {
    return this.enqueue(async () => {
      await this.inner.write(concat(this.sealer.finish()));
      await this.inner.commit();
    });
  }

  abort(): Promise<void> {
    return this.inner.abort();
  }

  /** Runs steps in call order; a failed step aborts the file (as the plain writer does). */
  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = async () => {
      try {
        await step();
      } catch (error) {
        await this.inner.abort();
        throw error;
      }
    };
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
