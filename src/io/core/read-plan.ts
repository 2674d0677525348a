import { withRangeSource, withRangeSourceSync } from './range-source.js';

/** A request for bytes `[position, position + length)` of the file (fewer come back if it ends first). */
export interface ReadRequest {
  position: number;
  length: number;
}

/**
 * A reader written once for both the sync and async APIs: a generator that yields the byte ranges it
 * needs and receives each range (in a fresh, aligned ArrayBuffer), then returns its result.
 * It gets the file size first. An encrypted file (io/crypto) is decrypted transparently: the plan sees
 * the plaintext size and plaintext ranges, and only the chunks its ranges touch are decrypted.
 */
export type ReadPlan<T> = (size: number) => Generator<ReadRequest, T, Uint8Array>;

/** Runs `plan` on `file` with synchronous reads. */
export function runReadPlanSync<T>(file: string, plan: ReadPlan<T>): T {
  return withRangeSourceSync(file, (source) => {
    const steps = plan(source.size);
    let step = steps.next();
    while (!step.done) step = steps.next(source.read(step.value.position, step.value.length));
    return step.value;
  });
}

/** Runs `plan` on `file` with asynchronous reads. */
export async function runReadPlan<T>(file: string, plan: ReadPlan<T>): Promise<T> {
  return withRangeSource(file, async (source) => {
    const steps = plan(source.size);
    let step = steps.next();
    while (!step.done) step = steps.next(await source.read(step.value.position, step.value.length));
    return step.value;
  });
}
