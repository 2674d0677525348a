import { CommanderError } from 'commander';
import { AbortError, UsageError } from '../errors.js';

/** Options that every command understands. */
export interface GlobalOptions {
  verbose: boolean;
  json: boolean;
}

/** Exit codes: 0 ok, 1 failed, 2 bad usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * Turns an error into one clear line on stderr (the stack only with --verbose) and the exit code.
 */
export function reportError(e: unknown, verbose: boolean): number {
  if (e instanceof CommanderError) {
    // commander has already printed its message
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
    return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const usage = err instanceof UsageError;
  const prefix = usage ? 'embedkit: usage error: ' : 'embedkit: error: ';
  // The first line only: embedkit's errors name the file and the problem there, and so do Node's
  // system errors (ENOENT …).
  process.stderr.write(`${prefix}${err.message.split('\n')[0]}\n`);
  if (verbose && err.stack) process.stderr.write(`${err.stack}\n`);
  if (err instanceof AbortError) return 130;
  return usage ? EXIT.usage : EXIT.failed;
}

/** An AbortSignal that fires on Ctrl-C (a second Ctrl-C exits at once). */
export function abortOnSigint(): AbortSignal {
  const ac = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\ninterrupted: stopping…\n');
    ac.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return ac.signal;
}
