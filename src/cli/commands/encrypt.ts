import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { activeEncryptionKey } from '../../io/crypto/context.js';
import { decryptFile, encryptFile, type FileCryptResult } from '../../io/crypto/convert.js';
import { generateKeyFile } from '../../io/crypto/key-file.js';
import { printJson, printLines } from '../output.js';
import { compact, ProgressBar } from '../progress-bar.js';
import type { GlobalOptions } from '../run.js';

interface CryptFlags {
  json: boolean;
  quiet: boolean;
}

function requireKey(action: string): void {
  if (!activeEncryptionKey()) throw new UsageError(`${action} needs a key: --key-file FILE (or EMBEDKIT_KEY_FILE)`);
}

async function run(
  action: 'encrypt' | 'decrypt',
  input: string,
  output: string,
  o: CryptFlags,
  globals: () => GlobalOptions,
): Promise<void> {
  requireKey(action);
  const json = o.json || globals().json;
  const bar = new ProgressBar(!o.quiet && !json);
  const t0 = performance.now();
  const onProgress = (done: number, total: number) => bar.update(action, total > 0 ? done / total : 1, `${compact(done)}B`);
  let r: FileCryptResult;
  try {
    r = action === 'encrypt' ? await encryptFile(input, output, { onProgress }) : await decryptFile(input, output, { onProgress });
  } finally {
    bar.done();
  }
  const seconds = (performance.now() - t0) / 1000;
  if (json) return printJson({ ...r, seconds });
  printLines([`${action}ed ${input} -> ${output}: ${r.bytes} bytes, key id ${r.keyId}, ${seconds.toFixed(2)} s`]);
}

/**
 * `embedkit encrypt IN OUT`, `embedkit decrypt IN OUT` (with the global --key-file) and
 * `embedkit keygen --output K`: encryption at rest for files that exist already (docs/encryption.md).
 */
export function registerEncrypt(program: Command, globals: () => GlobalOptions): void {
  program
    .command('encrypt')
    .description('encrypt a file (any file: vectors, index, model) with the key of --key-file; OUT may be IN')
    .argument('<input>', 'plain file')
    .argument('<output>', 'encrypted file to write (atomically)')
    .option('-q, --quiet', 'no progress display', false)
    .option('--json', 'print JSON', false)
    .action((input: string, output: string, o: CryptFlags) => run('encrypt', input, output, o, globals));
  program
    .command('decrypt')
    .description('decrypt a file encrypted by embedkit (every chunk is authenticated first); OUT may be IN')
    .argument('<input>', 'encrypted file')
    .argument('<output>', 'plain file to write (atomically)')
    .option('-q, --quiet', 'no progress display', false)
    .option('--json', 'print JSON', false)
    .action((input: string, output: string, o: CryptFlags) => run('decrypt', input, output, o, globals));
  program
    .command('keygen')
    .description('write a new random 256-bit key (64 hex digits, mode 0600) for --key-file')
    .requiredOption('-o, --output <file>', 'key file to create')
    .option('--force', 'replace an existing file (files encrypted with the old key can then no longer be read)', false)
    .option('--json', 'print JSON', false)
    .action(async (o: { output: string; force: boolean; json: boolean }) => {
      const key = await generateKeyFile(o.output, { overwrite: o.force });
      const result = { output: o.output, keyId: key.id };
      if (o.json || globals().json) return printJson(result);
      printLines([`wrote a new key to ${o.output} (key id ${key.id}); keep it safe: without it the files it encrypts cannot be read`]);
    });
}
