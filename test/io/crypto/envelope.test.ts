import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from '../../../src/io/core/atomic-write.js';
import { readFileBytes, readFileBytesSync } from '../../../src/io/core/read-file.js';
import { openRangeSource } from '../../../src/io/core/range-source.js';
import { withEncryptionKey } from '../../../src/io/crypto/context.js';
import { EncryptedFileError, type EncryptedFileProblem } from '../../../src/io/crypto/encrypted-file-error.js';
import { HEADER_BYTES, TAG_BYTES } from '../../../src/io/crypto/envelope-format.js';
import { makeTempDir } from '../helpers.js';
import { bytesOf, KEY, OTHER_KEY, PASSPHRASE } from './helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const CHUNK = 64;
const SEALED = CHUNK + TAG_BYTES;

/** Writes `plain` encrypted with `KEY` in 64-byte chunks and returns the file's bytes. */
async function sealed(file: string, plain: Uint8Array, key = KEY): Promise<Uint8Array> {
  await writeFileAtomic(file, plain, { encryption: key, chunkBytes: CHUNK });
  return fs.readFileSync(file);
}

/** Reads `file` with `key` and returns the error it fails with (the test fails if it reads). */
async function failure(file: string, key = KEY): Promise<EncryptedFileError> {
  try {
    await readFileBytes(file, { key });
  } catch (error) {
    expect(error).toBeInstanceOf(EncryptedFileError);
    expect((error as Error).message.startsWith(`${file}: `)).toBe(true);
    return error as EncryptedFileError;
  }
  throw new Error(`${file} was read`);
}

function expectReason(error: EncryptedFileError, reasons: EncryptedFileProblem[]): void {
  expect(reasons, error.message).toContain(error.reason);
}

describe('the encrypted envelope', () => {
  it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17])('round-trips %i bytes (sync and async, any range)', async (n) => {
    const file = tmp.file(`rt-${n}.bin`);
    const plain = bytesOf(n, n + 1);
    const bytes = await sealed(file, plain);
    const chunks = Math.max(1, Math.ceil(n / CHUNK));
    expect(bytes.length).toBe(HEADER_BYTES + n + chunks * TAG_BYTES);
    expect(new Uint8Array(await readFileBytes(file, { key: KEY }))).toEqual(plain);
    expect(new Uint8Array(readFileBytesSync(file, { key: KEY }))).toEqual(plain);
    const source = await openRangeSource(file, { key: KEY });
    try {
      expect(source.encrypted).toBe(true);
      expect(source.size).toBe(n);
      for (const [from, length] of [
        [0, 5],
        [CHUNK - 3, 7],
        [n - 2, 10],
        [CHUNK * 2 + 1, CHUNK + 5],
      ]) {
        const at = Math.max(0, Math.min(from, n));
        expect(new Uint8Array(await source.read(at, length))).toEqual(plain.subarray(at, Math.min(n, at + length)));
      }
    } finally {
      await source.close();
    }
  });

  it('writes a fresh salt and nonce prefix per file: the same plaintext never gives the same bytes', async () => {
    const plain = bytesOf(200);
    const a = await sealed(tmp.file('same-a.bin'), plain);
    const b = await sealed(tmp.file('same-b.bin'), plain);
    expect(a.subarray(0, 32)).toEqual(b.subarray(0, 32)); // magic, version, parameters, key id
    expect(Buffer.compare(a.subarray(48, 71), b.subarray(48, 71))).not.toBe(0);
    expect(Buffer.compare(a.subarray(HEADER_BYTES), b.subarray(HEADER_BYTES))).not.toBe(0);
  });

  it('never stores the key: the header holds an 8-byte key id, and the key bytes appear nowhere', async () => {
    const bytes = await sealed(tmp.file('key.bin'), bytesOf(500));
    expect(Buffer.from(bytes).includes(Buffer.alloc(32, 7))).toBe(false);
    expect(Buffer.from(bytes).includes(Buffer.alloc(8, 7))).toBe(false);
    expect(Buffer.from(bytes.subarray(24, 32)).toString('hex')).toBe(KEY.id);
  });

  it('reads with the key in effect (withEncryptionKey), and a plain file reads the same with or without a key', async () => {
    const file = tmp.file('scoped.bin');
    const plain = bytesOf(300);
    await withEncryptionKey(KEY, () => writeFileAtomic(file, plain));
    expect(fs.readFileSync(file).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x45, 0x4b, 0x45, 0x4e, 0x43, 0x0d, 0x0a]));
    expect(new Uint8Array(await withEncryptionKey(KEY, () => readFileBytes(file)))).toEqual(plain);
    const plainFile = tmp.file('plain.bin');
    fs.writeFileSync(plainFile, plain);
    expect(new Uint8Array(await withEncryptionKey(KEY, () => readFileBytes(plainFile)))).toEqual(plain);
    // null inside a scope: plain again
    withEncryptionKey(KEY, () => withEncryptionKey(null, () => writeFileAtomicSync(plainFile, 'plain text')));
    expect(fs.readFileSync(plainFile, 'utf8')).toBe('plain text');
  });

  it('no key, the wrong key, the wrong kind of key: clear errors naming the file', async () => {
    const file = tmp.file('keys.bin');
    await sealed(file, bytesOf(100));
    const none = await failure(file, null as never);
    expect(none.reason).toBe('no-key');
    expect(none.message).toMatch(new RegExp(`is encrypted \\(key id ${KEY.id}\\) and no key was given`));
    const wrong = await failure(file, OTHER_KEY);
    expect(wrong.reason).toBe('wrong-key');
    expect(wrong.message).toContain(`wrong key: the file was encrypted with key id ${KEY.id}, other key has key id ${OTHER_KEY.id}`);
    const kind = await failure(file, PASSPHRASE);
    expect(kind.message).toContain('encrypted with a key');
  });

  it('passphrases: scrypt parameters and salt in the header, wrong passphrase detected', async () => {
    const file = tmp.file('pass.bin');
    const plain = bytesOf(150);
    const bytes = await sealed(file, plain, PASSPHRASE);
    expect([...bytes.subarray(9, 13)]).toEqual([1, 10, 8, 1]);
    expect(new Uint8Array(await readFileBytes(file, { key: PASSPHRASE }))).toEqual(plain);
    const { EncryptionKey } = await import('../../../src/io/crypto/keys.js');
    const other = EncryptionKey.fromPassphrase('correct horse battery stapler', { log2N: 10 }, 'other passphrase');
    const error = await failure(file, other);
    expect(error.reason).toBe('wrong-key');
    expect(error.message).toContain('wrong passphrase: other passphrase does not give the key');
    // a second key object with the same passphrase reads it (the parameters come from the header)
    const same = EncryptionKey.fromPassphrase('correct horse battery staple', { log2N: 12 });
    expect(new Uint8Array(await readFileBytes(file, { key: same }))).toEqual(plain);
  });

  it('a changed byte anywhere (header, ciphertext, tag) is detected', async () => {
    const file = tmp.file('tamper.bin');
    const original = await sealed(file, bytesOf(2 * CHUNK + 10));
    for (let at = 0; at < original.length; at++) {
      const bytes = Uint8Array.from(original);
      bytes[at] ^= 1 << (at % 8);
      fs.writeFileSync(file, bytes);
      const error = await failure(file);
      const region =
        at < HEADER_BYTES ? 'header' : (at - HEADER_BYTES) % SEALED >= CHUNK || at >= original.length - TAG_BYTES ? 'tag' : 'body';
      if (region !== 'header') expectReason(error, ['tampered']);
      else if (at < 8) expect(error.reason).toBe('bad-header');
      else expectReason(error, ['bad-header', 'wrong-key', 'tampered', 'truncated']);
    }
  });

  it('truncation at every length is detected, and reported as truncation at a chunk boundary', async () => {
    const file = tmp.file('trunc.bin');
    const original = await sealed(file, bytesOf(3 * CHUNK + 5));
    for (let length = 0; length < original.length; length++) {
      fs.writeFileSync(file, original.subarray(0, length));
      if (length < 8) {
        // too short for the magic: not taken for an encrypted file at all
        expect(new Uint8Array(await readFileBytes(file, { key: KEY }))).toEqual(new Uint8Array(original.subarray(0, length)));
        continue;
      }
      const error = await failure(file);
      if (length === HEADER_BYTES + SEALED || length === HEADER_BYTES + 2 * SEALED || length === HEADER_BYTES + 3 * SEALED) {
        expect(error.reason).toBe('truncated');
        expect(error.message).toContain('the final chunk is missing');
      } else expectReason(error, ['truncated', 'tampered', 'bad-header']);
    }
  });

  it('swapped, repeated, dropped and appended chunks are detected', async () => {
    const file = tmp.file('order.bin');
    const original = Buffer.from(await sealed(file, bytesOf(4 * CHUNK + 9)));
    const header = original.subarray(0, HEADER_BYTES);
    const chunk = (i: number) => original.subarray(HEADER_BYTES + i * SEALED, Math.min(original.length, HEADER_BYTES + (i + 1) * SEALED));
    const cases: Record<string, Buffer> = {
      swapped: Buffer.concat([header, chunk(1), chunk(0), chunk(2), chunk(3), chunk(4)]),
      repeated: Buffer.concat([header, chunk(0), chunk(0), chunk(2), chunk(3), chunk(4)]),
      dropped: Buffer.concat([header, chunk(0), chunk(2), chunk(3), chunk(4)]),
      appended: Buffer.concat([original, chunk(1)]),
      'final chunk moved': Buffer.concat([header, chunk(0), chunk(4), chunk(2), chunk(3), chunk(1)]),
      'byte appended': Buffer.concat([original, Buffer.of(0)]),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      fs.writeFileSync(file, bytes);
      const error = await failure(file);
      expect(['tampered', 'truncated'], `${name}: ${error.message}`).toContain(error.reason);
    }
    // the header of another file with the same key does not fit these chunks
    const other = Buffer.from(await sealed(tmp.file('other.bin'), bytesOf(4 * CHUNK + 9)));
    fs.writeFileSync(file, Buffer.concat([other.subarray(0, HEADER_BYTES), original.subarray(HEADER_BYTES)]));
    expect((await failure(file)).reason).toBe('tampered');
  });

  it('rejects newer versions and unsupported parameters before deriving anything', async () => {
    const file = tmp.file('version.bin');
    const original = await sealed(file, bytesOf(10));
    const edit = (at: number, value: number) => {
      const bytes = Uint8Array.from(original);
      bytes[at] = value;
      fs.writeFileSync(file, bytes);
    };
    edit(8, 2);
    expect((await failure(file)).message).toContain('encrypted by a newer embedkit (envelope version 2 > 1)');
    edit(9, 7);
    expect((await failure(file)).message).toContain('unknown key derivation 7');
    edit(19, 0x40); // chunk size 1 GiB
    expect((await failure(file)).message).toMatch(/chunk size \d+ outside/);
  });
});
