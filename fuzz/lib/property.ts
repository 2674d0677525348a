import path from 'node:path';
import fc from 'fast-check';
import { caseArbitrary, type FuzzCase } from './case.js';
import { describeCase } from './describe-case.js';
import { materialize, type CaseFile } from './mutate.js';
import { DEFAULT_LIMITS, runCase, type CaseLimits, type CaseOutcome } from './run-case.js';
import type { BaseFile, FuzzTarget } from './target.js';

/** Counts of a run of cases: clean loads, clean rejections (by message shape), failures. */
export interface FuzzStats {
  cases: number;
  loaded: number;
  rejected: number;
  failures: number;
  /** Rejection messages with numbers and quoted text blanked, and how often each came. */
  messages: Map<string, number>;
}

export function emptyStats(): FuzzStats {
  return { cases: 0, loaded: 0, rejected: 0, failures: 0, messages: new Map() };
}

/** The failure of a case: what went wrong, the bytes, and the case. */
export class FuzzFailure extends Error {
  /** The bytes that failed (not enumerable: test reporters print enumerable fields). */
  declare readonly caseFile: CaseFile;

  constructor(
    readonly outcome: CaseOutcome,
    caseFile: CaseFile,
    readonly description: string,
  ) {
    super(`${outcome.detail}\n  case: ${description}`);
    this.name = 'FuzzFailure';
    Object.defineProperty(this, 'caseFile', { value: caseFile, enumerable: false });
  }
}

export interface PropertyOptions {
  limits?: CaseLimits;
  stats?: FuzzStats;
  /** Called before each case is read (heartbeat of the campaign runner). */
  onCase?: (caseFile: CaseFile, file: string) => void;
}

/** A rejection message with what varies between files blanked: quoted text, numbers, byte dumps. */
export function messageShape(detail: string): string {
  return detail
    .replace(/"(?:[^"\\]|\\.)*"…?|'[^']*'/g, '…')
    .replace(/\((?:found|stored|bytes)[^)]*\)/g, '(…)')
    .replace(/(found|bytes) [0-9a-f]{2}( [0-9a-f]{2})*( …)?/g, '$1 …')
    .replace(/0x[0-9a-f]+/gi, '#')
    .replace(/[-+]?\d+(\.\d+)?(e[-+]?\d+)?/gi, '#')
    .slice(0, 120);
}

/**
 * The property "every case of `target` loads consistently or fails with an EmbedkitError naming the
 * file, quickly and without memory out of proportion to the file", over cases built from `bases`.
 * Case files are written in `dir`.
 */
export function fuzzProperty(
  target: FuzzTarget,
  bases: readonly BaseFile[],
  dir: string,
  options: PropertyOptions = {},
): fc.IAsyncPropertyWithHooks<[FuzzCase]> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const arbitrary = caseArbitrary(target, bases).map((c) =>
    Object.assign(c, { [fc.toStringMethod]: () => describeCase(target, bases, c) }),
  );
  return fc.asyncProperty(arbitrary, async (c) => {
    const caseFile = materialize(target, bases, c);
    const file = path.join(dir, `case${caseFile.ext}`);
    options.onCase?.(caseFile, file);
    const outcome = await runCase(target, file, caseFile, target.variants[c.variant % target.variants.length], limits);
    const stats = options.stats;
    if (stats) {
      stats.cases++;
      if (outcome.verdict === 'loaded') stats.loaded++;
      else if (outcome.verdict === 'rejected') {
        stats.rejected++;
        const shape = messageShape(outcome.detail);
        stats.messages.set(shape, (stats.messages.get(shape) ?? 0) + 1);
      } else stats.failures++;
    }
    if (outcome.verdict === 'failure') throw new FuzzFailure(outcome, caseFile, describeCase(target, bases, c));
  });
}

/** The bases of a target plus files of other formats (the foreign files), built once. */
export async function basesWithForeign(target: FuzzTarget, dir: string, foreign: readonly BaseFile[]): Promise<BaseFile[]> {
  const own = await target.bases(dir);
  const ext = own[0]?.ext ?? '.bin';
  // plain Uint8Array copies: Buffer#slice returns a view, so a mutation would change the base itself
  return [...own, ...foreign.map((f) => ({ ...f, ext }))].map((b) => ({ ...b, bytes: new Uint8Array(b.bytes) }));
}
