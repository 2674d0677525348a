// The `--scrub` option of the commands where text enters embedkit (train, embed text, search
// build): the same scrubbing as `embedkit scrub`, applied to each line before tokenizing/encoding.
import type { Command } from 'commander';
import { parseKinds, scrubberFromFlags } from './commands/scrub.js';
import { UsageError } from '../errors.js';
import type { PiiKind } from '../privacy/scrub/kinds.js';
import type { Scrubber } from '../privacy/scrub/scrubber.js';

/** What commander parses from {@link addScrubOptions}. */
export interface ScrubOptionValues {
  scrub?: true | PiiKind[];
  scrubNames?: string;
  scrubKeyFile?: string;
}

/** Adds --scrub [kinds], --scrub-names FILE and --scrub-key-file FILE. */
export function addScrubOptions(command: Command): Command {
  return command
    .option('--scrub [kinds]', 'replace personal data in the text first (as embedkit scrub; optional comma list of kinds)', parseKinds)
    .option('--scrub-names <file>', 'with --scrub: also replace these names (one per line)')
    .option('--scrub-key-file <file>', 'with --scrub: keyed hashes ([EMAIL:3f2a…]) instead of placeholders, with this secret');
}

/** The scrubber the options ask for, or undefined without --scrub. */
export async function scrubberOf(o: ScrubOptionValues): Promise<Scrubber | undefined> {
  if (o.scrub === undefined) {
    if (o.scrubNames !== undefined || o.scrubKeyFile !== undefined) throw new UsageError('--scrub-names and --scrub-key-file need --scrub');
    return undefined;
  }
  const kinds = o.scrub === true ? undefined : o.scrub;
  return scrubberFromFlags({
    mode: o.scrubKeyFile !== undefined ? 'hash' : 'placeholder',
    hashKey: o.scrubKeyFile,
    names: o.scrubNames,
    kinds: kinds && o.scrubNames !== undefined && !kinds.includes('name') ? [...kinds, 'name'] : kinds,
  });
}
