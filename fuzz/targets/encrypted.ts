import fs from 'node:fs';
import { writeFileAtomic } from '../../src/io/core/atomic-write.js';
import { readChunks } from '../../src/io/core/file-chunks.js';
import { openRangeSource } from '../../src/io/core/range-source.js';
import { readFileBytes, readFileBytesSync } from '../../src/io/core/read-file.js';
import { withEncryptionKey } from '../../src/io/crypto/context.js';
import { ENVELOPE_MAGIC, HEADER_BYTES, TAG_BYTES } from '../../src/io/crypto/envelope-format.js';
import { EncryptionKey } from '../../src/io/crypto/keys.js';
import type { BaseFile, FuzzTarget, ReadContext } from '../lib/target.js';

/** The key of the bases (fixed: the cases must be reproducible from the seed). */
const KEY = EncryptionKey.fromBytes(Buffer.alloc(32, 0x5a), 'fuzz key');
const CHUNK = 64;

interface Result {
  /** The file was opened as an envelope (else read as plain bytes). */
  encrypted: boolean;
  bytes: Uint8Array;
}

const VARIANTS = ['readFileBytes', 'readFileBytesSync', 'ranges', 'readChunks'] as const;

function plaintext(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 7 + (i >> 3)) & 0xff;
  return out;
}

async function base(dir: string, label: string, plain: Uint8Array): Promise<BaseFile> {
  const file = `${dir}/base-${label.replace(/\W+/g, '-')}.bin`;
  await writeFileAtomic(file, plain, { encryption: KEY, chunkBytes: CHUNK });
  const bytes = new Uint8Array(fs.readFileSync(file));
  const chunks = Math.max(1, Math.ceil(plain.length / CHUNK));
  return {
    label,
    bytes,
    ext: '.bin',
    fields: [
      { name: 'version', at: 8, bytes: 1 },
      { name: 'kdf', at: 9, bytes: 1 },
      { name: 'scrypt', at: 10, bytes: 2 },
      { name: 'chunk size', at: 16, bytes: 4 },
      { name: 'reserved', at: 20, bytes: 4 },
      { name: 'key id', at: 24, bytes: 8 },
      { name: 'nonce prefix', at: 64, bytes: 4 },
    ],
    boundaries: [8, HEADER_BYTES, ...Array.from({ length: chunks }, (_, i) => HEADER_BYTES + (i + 1) * (CHUNK + TAG_BYTES))],
    expected: plain,
  };
}

async function read(file: string, variant: string): Promise<Result> {
  switch (variant) {
    case 'readFileBytes':
    case 'readFileBytesSync': {
      const source = await openRangeSource(file);
      const encrypted = source.encrypted;
      await source.close();
      return { encrypted, bytes: variant === 'readFileBytes' ? await readFileBytes(file) : readFileBytesSync(file) };
    }
    case 'ranges': {
      // overlapping reads that start and end inside chunks, from the end backwards
      const source = await openRangeSource(file);
      try {
        const out = new Uint8Array(source.size);
        for (let end = source.size; end > 0; end -= 50) {
          const from = Math.max(0, end - 50);
          out.set(await source.read(from, end - from), from);
        }
        return { encrypted: source.encrypted, bytes: out };
      } finally {
        await source.close();
      }
    }
    default: {
      const source = await openRangeSource(file);
      const encrypted = source.encrypted;
      await source.close();
      const parts: Buffer[] = [];
      for await (const chunk of readChunks(file, false)) parts.push(chunk);
      return { encrypted, bytes: Buffer.concat(parts) };
    }
  }
}

/**
 * The encrypted envelope (io/crypto): a changed, cut or extended envelope must never decrypt. A file
 * whose magic no longer looks like the envelope's is read as plain bytes (the format readers above
 * then judge it); it must then come back exactly as it is on disk.
 */
export function encryptedTarget(): FuzzTarget<Result> {
  return {
    name: 'encrypted',
    readers: 'readFileBytes(Sync), openRangeSource ranges, readChunks on the AES-256-GCM envelope',
    variants: VARIANTS,
    gzip: false,
    magic: ENVELOPE_MAGIC,
    bases: (dir) =>
      Promise.all([
        base(dir, 'empty', new Uint8Array(0)),
        base(dir, '1 chunk', plaintext(40, 1)),
        base(dir, '3 chunks', plaintext(3 * CHUNK, 2)),
        base(dir, '4 chunks + 5', plaintext(4 * CHUNK + 5, 3)),
      ]),
    read: (file, variant) => withEncryptionKey(KEY, () => read(file, variant)),
    check(result, context: ReadContext) {
      if (!result.encrypted) {
        const raw = fs.readFileSync(context.file);
        return Buffer.from(result.bytes).equals(raw) ? undefined : 'a plain file did not read as its own bytes';
      }
      if (context.base.foreign) return 'a foreign file was taken for an envelope';
      if (!context.unchanged) return 'a modified envelope decrypted';
      return Buffer.from(result.bytes).equals(context.base.expected as Uint8Array) ? undefined : 'the plaintext differs';
    },
  };
}
