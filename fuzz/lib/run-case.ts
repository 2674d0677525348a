import fs from 'node:fs';
import v8 from 'node:v8';
import zlib from 'node:zlib';
import { EmbedkitError } from '../../src/errors.js';
import type { CaseFile } from './mutate.js';
import type { FuzzTarget } from './target.js';

/** How a case ended: a consistent load, a clean rejection, or a failure of the property. */
export type Verdict = 'loaded' | 'rejected' | 'failure';

export interface CaseOutcome {
  verdict: Verdict;
  /** The failure, or the rejection message with the file name replaced by `<file>`. */
  detail: string;
  ms: number;
  /** Growth of the memory outside the JS heap (ArrayBuffers, WebAssembly memories) during the read. */
  growth: number;
}

/** Bounds of one case. */
export interface CaseLimits {
  /** A read slower than this fails the case. */
  slowMs: number;
  /** Memory growth allowed per byte of (decompressed) file. */
  memoryPerByte: number;
  /** Memory growth allowed on top, for any file (fixed read buffers of 1 MiB etc.). */
  memoryBase: number;
}

export const DEFAULT_LIMITS: CaseLimits = { slowMs: 5000, memoryPerByte: 16, memoryBase: 16 << 20 };

/** Memory outside the JS heap: every ArrayBuffer and WebAssembly memory of this thread. */
function externalMemory(): number {
  return v8.getHeapStatistics().external_memory;
}

/** Length of the content of `bytes` once decompressed, when they are gzip (bounded, 0 when corrupt). */
function plainLength(bytes: Uint8Array): number {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes.length;
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: 1 << 28 }).length;
  } catch {
    return bytes.length;
  }
}

function stackHead(error: Error): string {
  return (error.stack ?? '')
    .split('\n')
    .slice(1, 6)
    .map((line) => line.trim())
    .join(' | ');
}

/** Why `error`, thrown by a reader of `file`, is not the clean rejection the rule asks for (or undefined when it is). */
export function errorProblem(error: unknown, file: string): string | undefined {
  if (error instanceof EmbedkitError) {
    return error.message.includes(file) ? undefined : `${error.name} does not name the file: ${error.message}`;
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return `${error.name}${code ? ` (${code})` : ''}: ${error.message.slice(0, 300)} at ${stackHead(error)}`;
  }
  return `threw a non-Error value: ${String(error)}`;
}

/**
 * Writes the case's bytes to `file`, reads it with the target's reader and judges the outcome:
 * a result passing the target's check, or an EmbedkitError naming the file; anything else — another
 * error, a failed check, a read slower than `limits.slowMs`, or memory growth beyond what the file
 * size justifies — is a failure.
 */
export async function runCase(
  target: FuzzTarget,
  file: string,
  caseFile: CaseFile,
  variant: string,
  limits: CaseLimits = DEFAULT_LIMITS,
): Promise<CaseOutcome> {
  fs.writeFileSync(file, caseFile.bytes);
  const before = externalMemory();
  const t0 = performance.now();
  let verdict: Verdict;
  let detail: string;
  try {
    const result = await target.read(file, variant, caseFile.base);
    const problem = target.check(result, { file, variant, base: caseFile.base, unchanged: caseFile.unchanged });
    verdict = problem === undefined ? 'loaded' : 'failure';
    detail = problem ?? '';
  } catch (error) {
    const problem = target.neverThrows ? `threw (the reader promises not to): ${String(error)}` : errorProblem(error, file);
    verdict = problem === undefined ? 'rejected' : 'failure';
    detail = problem ?? (error as Error).message.split(file).join('<file>');
  }
  const ms = performance.now() - t0;
  const growth = externalMemory() - before;
  const allowed =
    limits.memoryBase + (target.memorySlack ?? 0) + limits.memoryPerByte * Math.max(caseFile.bytes.length, plainLength(caseFile.bytes));
  if (growth > allowed) {
    const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
    return {
      verdict: 'failure',
      detail: `memory grew by ${mb(growth)} reading a ${caseFile.bytes.length}-byte file (allowed ${mb(allowed)}); ${verdict}: ${detail}`,
      ms,
      growth,
    };
  }
  if (ms > limits.slowMs)
    return { verdict: 'failure', detail: `took ${Math.round(ms)} ms (limit ${limits.slowMs}); ${verdict}: ${detail}`, ms, growth };
  return { verdict, detail, ms, growth };
}
