import type { Command } from 'commander';
import { setEncryptionKey } from '../io/crypto/context.js';
import { loadKeyFile } from '../io/crypto/key-file.js';

/** Environment variable naming the key file when `--key-file` is not given. */
export const KEY_FILE_ENV = 'EMBEDKIT_KEY_FILE';

/** Commands that never use a key (keygen creates one; a missing key file must not stop it). */
const KEYLESS = new Set(['keygen']);

/**
 * Adds the global `--key-file FILE` option: before any command runs, the key (64 hex digits) or
 * passphrase in FILE — else in `$EMBEDKIT_KEY_FILE` — becomes the process-wide key of the io layer,
 * so every file a command writes is encrypted and every encrypted file it reads is decrypted,
 * whatever the format, without per-command code.
 */
export function addKeyFileOption(program: Command): void {
  program.option(
    '--key-file <file>',
    `encrypt every file written, decrypt encrypted files read (64 hex digits or a passphrase; default $${KEY_FILE_ENV})`,
  );
  program.hook('preAction', async (_program, action) => {
    if (KEYLESS.has(action.name())) return;
    const file = program.opts<{ keyFile?: string }>().keyFile ?? process.env[KEY_FILE_ENV];
    setEncryptionKey(file !== undefined && file !== '' ? await loadKeyFile(file) : null);
  });
}
