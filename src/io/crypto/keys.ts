import { createHmac, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { UsageError } from '../../errors.js';
import { EncryptedFileError } from './encrypted-file-error.js';
import {
  hex,
  KEY_ID_BYTES,
  SALT_BYTES,
  SCRYPT_MAX_LOG2N,
  SCRYPT_MAX_MEMORY,
  SCRYPT_MAX_P,
  SCRYPT_MAX_R,
  scryptMemory,
  type EnvelopeHeader,
  type KdfParams,
  type ScryptParams,
} from './envelope-format.js';

/** Bytes of an AES-256 key. */
export const KEY_BYTES = 32;

/**
 * Scrypt cost used when encrypting with a passphrase: N = 2^17, r = 8, p = 1 (128 MiB, about 0.3 s;
 * the interactive setting of OWASP's password storage guide, close to age's work factor 18).
 * Derived once per process and salt, not once per file.
 */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = { log2N: 17, r: 8, p: 1 };

const KEY_ID_LABEL = 'embedkit envelope key id v1';

/** The key id of a master key: HMAC-SHA256(key, label), first 8 bytes (identifies a key, reveals nothing of it). */
export function keyIdOf(master: Uint8Array): Uint8Array {
  return createHmac('sha256', master).update(KEY_ID_LABEL).digest().subarray(0, KEY_ID_BYTES);
}

/** What a writer needs from a key: the master key, its id and how it was derived. */
export interface WritingKey {
  master: Buffer;
  keyId: Uint8Array;
  kdf: KdfParams;
}

function checkScrypt(params: ScryptParams): void {
  const { log2N, r, p } = params;
  const ok =
    Number.isInteger(log2N) &&
    log2N >= 10 &&
    log2N <= SCRYPT_MAX_LOG2N &&
    Number.isInteger(r) &&
    r >= 1 &&
    r <= SCRYPT_MAX_R &&
    Number.isInteger(p) &&
    p >= 1 &&
    p <= SCRYPT_MAX_P &&
    scryptMemory(params) <= SCRYPT_MAX_MEMORY;
  if (!ok)
    throw new UsageError(
      `scrypt parameters must have 10 <= log2N <= ${SCRYPT_MAX_LOG2N}, 1 <= r <= ${SCRYPT_MAX_R}, 1 <= p <= ${SCRYPT_MAX_P} and use at most ${SCRYPT_MAX_MEMORY >> 20} MiB, got ${JSON.stringify(params)}`,
    );
}

const scryptOptions = (params: ScryptParams) => ({
  N: 2 ** params.log2N,
  r: params.r,
  p: params.p,
  maxmem: scryptMemory(params) + (1 << 20),
});

const MEMO_LIMIT = 64;

/**
 * A secret to encrypt and decrypt files with: a raw 256-bit key, or a passphrase stretched with
 * scrypt. The secret stays in a private field (never printed, never serialised); `id` is the key
 * id written in the headers of the files it encrypts (for a passphrase, ids differ per salt).
 */
export class EncryptionKey {
  readonly #secret: Buffer;
  readonly #scrypt: ScryptParams;
  /** Master keys derived from the passphrase, by salt and parameters. */
  readonly #derived = new Map<string, Buffer>();
  #writing: WritingKey | undefined;

  private constructor(
    /** 'raw': a 32-byte key; 'passphrase': scrypt of a passphrase. */
    readonly kind: 'raw' | 'passphrase',
    secret: Buffer,
    scryptParams: ScryptParams,
    /** Where the key came from (a key file's path), for messages. */
    readonly source: string,
  ) {
    this.#secret = secret;
    this.#scrypt = scryptParams;
  }

  /** A key from 32 bytes (e.g. `crypto.randomBytes(32)`). The bytes are copied. */
  static fromBytes(key: Uint8Array, source = 'key'): EncryptionKey {
    if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) throw new UsageError(`an encryption key is ${KEY_BYTES} bytes`);
    return new EncryptionKey('raw', Buffer.from(key), DEFAULT_SCRYPT, source);
  }

  /**
   * A key from a passphrase (UTF-8, at least 8 characters): each file gets scrypt(passphrase, salt)
   * with `scryptParams` (default {@link DEFAULT_SCRYPT}) recorded in its header.
   */
  static fromPassphrase(passphrase: string, scryptParams: Partial<ScryptParams> = {}, source = 'passphrase'): EncryptionKey {
    if (typeof passphrase !== 'string' || [...passphrase].length < 8) throw new UsageError('a passphrase has at least 8 characters');
    const params = { ...DEFAULT_SCRYPT, ...scryptParams };
    checkScrypt(params);
    return new EncryptionKey('passphrase', Buffer.from(passphrase, 'utf8'), params, source);
  }

  /** Hex key id of a raw key; for a passphrase, the id of the process's writing salt (derives it). */
  get id(): string {
    return hex(this.writingKeySync().keyId);
  }

  /** The key to encrypt with (a passphrase: one random salt per key object, derived once). */
  writingKeySync(): WritingKey {
    if (this.#writing) return this.#writing;
    if (this.kind === 'raw') return (this.#writing = { master: this.#secret, keyId: keyIdOf(this.#secret), kdf: { kind: 'raw' } });
    const kdf: KdfParams = { kind: 'scrypt', ...this.#scrypt, salt: randomBytes(SALT_BYTES) };
    const master = this.derivedSync(kdf);
    return (this.#writing = { master, keyId: keyIdOf(master), kdf });
  }

  /** Async {@link writingKeySync} (scrypt runs off the event loop). */
  async writingKey(): Promise<WritingKey> {
    if (this.#writing || this.kind === 'raw') return this.writingKeySync();
    const kdf: KdfParams = { kind: 'scrypt', ...this.#scrypt, salt: randomBytes(SALT_BYTES) };
    const master = await this.derived(kdf);
    return (this.#writing ??= { master, keyId: keyIdOf(master), kdf });
  }

  /** The master key of `header` (`file` is named in errors): checks the derivation kind and the key id. */
  masterForSync(file: string, header: EnvelopeHeader): Buffer {
    this.checkKind(file, header);
    return this.checkId(file, header, header.kdf.kind === 'raw' ? this.#secret : this.derivedSync(header.kdf));
  }

  /** Async {@link masterForSync}. */
  async masterFor(file: string, header: EnvelopeHeader): Promise<Buffer> {
    this.checkKind(file, header);
    return this.checkId(file, header, header.kdf.kind === 'raw' ? this.#secret : await this.derived(header.kdf));
  }

  private checkKind(file: string, header: EnvelopeHeader): void {
    const fileKind = header.kdf.kind === 'raw' ? 'raw' : 'passphrase';
    if (fileKind === this.kind) return;
    throw new EncryptedFileError(
      file,
      'wrong-key',
      `wrong key: the file was encrypted with a ${fileKind === 'raw' ? 'key' : 'passphrase'} (key id ${hex(header.keyId)}), ${this.source} holds a ${this.kind === 'raw' ? 'key' : 'passphrase'}`,
    );
  }

  private checkId(file: string, header: EnvelopeHeader, master: Buffer): Buffer {
    const id = keyIdOf(master);
    if (timingSafeEqual(id, header.keyId)) return master;
    throw new EncryptedFileError(
      file,
      'wrong-key',
      this.kind === 'raw'
        ? `wrong key: the file was encrypted with key id ${hex(header.keyId)}, ${this.source} has key id ${hex(id)}`
        : `wrong passphrase: ${this.source} does not give the key the file was encrypted with (key id ${hex(header.keyId)})`,
    );
  }

  private memoKey(kdf: KdfParams & { kind: 'scrypt' }): string {
    return `${kdf.log2N}/${kdf.r}/${kdf.p}/${hex(kdf.salt)}`;
  }

  private remember(key: string, master: Buffer): Buffer {
    if (this.#derived.size >= MEMO_LIMIT) this.#derived.delete(this.#derived.keys().next().value as string);
    this.#derived.set(key, master);
    return master;
  }

  private derivedSync(kdf: KdfParams): Buffer {
    if (kdf.kind !== 'scrypt') return this.#secret;
    const memo = this.memoKey(kdf);
    return this.#derived.get(memo) ?? this.remember(memo, scryptSync(this.#secret, kdf.salt, KEY_BYTES, scryptOptions(kdf)));
  }

  private async derived(kdf: KdfParams): Promise<Buffer> {
    if (kdf.kind !== 'scrypt') return this.#secret;
    const memo = this.memoKey(kdf);
    const known = this.#derived.get(memo);
    if (known) return known;
    const master = await new Promise<Buffer>((resolve, reject) =>
      scrypt(this.#secret, kdf.salt, KEY_BYTES, scryptOptions(kdf), (error, key) => (error ? reject(error) : resolve(key))),
    );
    return this.remember(memo, master);
  }

  /** Never shows the secret. */
  toString(): string {
    return `EncryptionKey(${this.kind}, ${this.source})`;
  }

  toJSON(): { kind: string; source: string } {
    return { kind: this.kind, source: this.source };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
