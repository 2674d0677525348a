import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { Option } from 'commander';
import { readKeyFile } from '../../privacy/key-file.js';
import { PII_KINDS, type PiiKind } from '../../privacy/scrub/kinds.js';
import { NameList } from '../../privacy/scrub/names.js';
import { scrubFile } from '../../privacy/scrub/scrub-file.js';
import { Scrubber } from '../../privacy/scrub/scrubber.js';
import { UsageError } from '../../errors.js';
import { printJson, printLines } from '../output.js';
import { oneOf } from '../parse.js';
import { compact, ProgressBar } from '../progress-bar.js';
import { abortOnSigint, type GlobalOptions } from '../run.js';

/** `--kinds email,phone` → the kinds. */
export function parseKinds(value: string): PiiKind[] {
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  const bad = kinds.find((k) => !(PII_KINDS as readonly string[]).includes(k));
  if (bad !== undefined || kinds.length === 0)
    throw new UsageError(`--kinds: '${bad ?? value}' is not a PII kind (known: ${PII_KINDS.join(', ')})`);
  return kinds as PiiKind[];
}

/** The scrubbing options shared by `scrub` and the `--scrub` flag of other commands. */
export interface ScrubFlags {
  mode: 'placeholder' | 'hash';
  hashKey?: string;
  names?: string;
  kinds?: PiiKind[];
}

/** A Scrubber from command-line flags (reads the key and names files). */
export async function scrubberFromFlags(o: ScrubFlags): Promise<Scrubber> {
  if (o.mode === 'hash' && o.hashKey === undefined)
    throw new UsageError('--mode hash needs --hash-key FILE (the secret of the keyed hash)');
  if (o.mode !== 'hash' && o.hashKey !== undefined) throw new UsageError('--hash-key is for --mode hash');
  const key = o.hashKey !== undefined ? await readKeyFile(o.hashKey) : undefined;
  const names = o.names !== undefined ? await NameList.fromFile(o.names) : undefined;
  return new Scrubber({ mode: o.mode, key, names, kinds: o.kinds });
}

/** `embedkit scrub`: replace personal data in a text file. */
export function registerScrub(program: Command, globals: () => GlobalOptions): void {
  program
    .command('scrub')
    .description(
      'replace personal data (e-mails, phones, URLs, IPs, cards, IBANs, national ids, listed names) in a text file, streaming line by line',
    )
    .requiredOption('-i, --input <file>', 'UTF-8 text file (plain or .gz)')
    .requiredOption('-o, --output <file>', 'where to write the scrubbed text (atomically)')
    .addOption(
      new Option('--mode <mode>', 'placeholder: [EMAIL]; hash: [EMAIL:3f2a9c01b7e4], a keyed HMAC-SHA256, equal for equal values')
        .default('placeholder')
        .argParser(oneOf(['placeholder', 'hash'] as const)),
    )
    .option('--hash-key <file>', 'secret of --mode hash (≥ 16 bytes, e.g. openssl rand -hex 32 > key)')
    .option('--names <file>', 'names to replace too, one per line (case-insensitive, whole words; CJK names anywhere)')
    .option('--kinds <list>', `kinds to replace, comma-separated (default: all of ${PII_KINDS.join(', ')})`, parseKinds)
    .option('--json', 'print JSON {input, output, lines, replaced, counts, seconds}', false)
    .option('-q, --quiet', 'no progress bar', false)
    .action(async (o: ScrubFlags & { input: string; output: string; json: boolean; quiet: boolean }) => {
      const scrubber = await scrubberFromFlags(o);
      const bar = new ProgressBar(!o.quiet);
      const t0 = performance.now();
      const size = (await stat(o.input).catch(() => ({ size: 0 }))).size || 1;
      const result = await scrubFile(o.input, o.output, scrubber, {
        signal: abortOnSigint(),
        onProgress: (bytes) => bar.update('scrub', bytes / size, `${compact(bytes)}B  ${scrubber.total} replaced`),
      }).finally(() => bar.done());
      const summary = {
        input: o.input,
        output: o.output,
        mode: scrubber.mode,
        lines: result.lines,
        replaced: scrubber.total,
        counts: scrubber.counts,
        seconds: (performance.now() - t0) / 1000,
      };
      if (o.json || globals().json) printJson(summary);
      else
        printLines([
          `scrubbed ${result.lines} lines: ${summary.replaced} values replaced (${
            Object.entries(scrubber.counts)
              .filter(([, n]) => n > 0)
              .map(([k, n]) => `${k} ${n}`)
              .join(', ') || 'none found'
          }) → ${o.output}`,
        ]);
    });
}
