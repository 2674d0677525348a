import { AsyncLocalStorage } from 'node:async_hooks';
import { UsageError } from '../../errors.js';
import { EncryptionKey } from './keys.js';

/**
 * Which key the io layer's writers encrypt with and its readers decrypt with, when a call does not
 * say: the key of the innermost {@link withEncryptionKey} scope (it follows async calls made inside
 * it), else the process-wide key of {@link setEncryptionKey} (the CLI sets it from `--key-file` or
 * `EMBEDKIT_KEY_FILE`), else none: files are written in plain and encrypted files cannot be read.
 * Readers always detect an encrypted file by its magic; plain files read the same with or without a key.
 */
const scope = new AsyncLocalStorage<{ key: EncryptionKey | null }>();
let processKey: EncryptionKey | null = null;

function checkKey(key: unknown): asserts key is EncryptionKey | null {
  if (key !== null && !(key instanceof EncryptionKey)) throw new UsageError('the encryption key must be an EncryptionKey or null');
}

/** Sets (or with null, clears) the process-wide key used outside any {@link withEncryptionKey} scope. */
export function setEncryptionKey(key: EncryptionKey | null): void {
  checkKey(key);
  processKey = key;
}

/**
 * Runs `fn` with `key` as the key of every file read or written inside it, including by the async
 * work it starts (null: write plain files, and no key to read encrypted ones). Returns what `fn` returns.
 */
export function withEncryptionKey<T>(key: EncryptionKey | null, fn: () => T): T {
  checkKey(key);
  return scope.run({ key }, fn);
}

/** The key in effect here (see the module comment), or null. */
export function activeEncryptionKey(): EncryptionKey | null {
  const scoped = scope.getStore();
  return scoped ? scoped.key : processKey;
}

/** An explicit choice (a key, or null for none) wins; undefined means the key in effect. */
export function resolveEncryptionKey(explicit: EncryptionKey | null | undefined): EncryptionKey | null {
  if (explicit === undefined) return activeEncryptionKey();
  checkKey(explicit);
  return explicit;
}
