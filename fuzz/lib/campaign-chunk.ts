import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { ChunkDone, ChunkFailure, ChunkRequest } from '../protocol.js';
import { foreignFiles } from './foreign.js';
import { basesWithForeign, emptyStats, FuzzFailure, fuzzProperty } from './property.js';
import type { BaseFile, FuzzTarget } from './target.js';

/** A target with its base files, built once per process. */
export interface PreparedTarget {
  target: FuzzTarget;
  bases: BaseFile[];
}

/** Copies a failing file to `findings` under a name that says how to replay it. */
export function saveFinding(findings: string, name: string, bytes: Uint8Array): string {
  fs.mkdirSync(findings, { recursive: true });
  const file = path.join(findings, name);
  fs.writeFileSync(file, bytes);
  return file;
}

export async function prepareTarget(target: FuzzTarget, dir: string): Promise<PreparedTarget> {
  return { target, bases: await basesWithForeign(target, dir, foreignFiles()) };
}

/**
 * Runs one chunk of a campaign: `request.runs` cases from fast-check seed `request.seed` (stopping at
 * the first failure, which fast-check shrinks). `onCase` is called before each case.
 */
export async function runChunk(
  prepared: PreparedTarget,
  request: ChunkRequest,
  dir: string,
  findings: string,
  onCase: () => void,
): Promise<ChunkDone> {
  const stats = emptyStats();
  const t0 = performance.now();
  const property = fuzzProperty(prepared.target, prepared.bases, dir, { stats, limits: request.limits, onCase });
  const details = await fc.check(property, { seed: request.seed, numRuns: request.runs, timeout: request.limits.slowMs * 4 });
  let failure: ChunkFailure | undefined;
  if (details.failed) {
    const error = details.errorInstance;
    const pathText = details.counterexamplePath ?? '?';
    failure = {
      target: request.target,
      seed: request.seed,
      path: pathText,
      detail: error instanceof FuzzFailure ? error.outcome.detail : String(error),
      description: error instanceof FuzzFailure ? error.description : String(details.counterexample),
    };
    if (error instanceof FuzzFailure) {
      failure.saved = saveFinding(
        findings,
        `${request.target}-${request.seed}-${pathText.replace(/:/g, '_')}${error.caseFile.ext}`,
        error.caseFile.bytes,
      );
    }
  }
  return {
    type: 'done',
    target: request.target,
    cases: stats.cases,
    loaded: stats.loaded,
    rejected: stats.rejected,
    messages: [...stats.messages],
    ms: performance.now() - t0,
    failure,
  };
}
