import { readRange, readRangeSync, withOpenFile, withOpenFileSync } from './file-range.js';

/** A request for bytes `[position, position + length)` of the file (fewer come back if it ends first). */
export interface ReadRequest {
  position: number;
  length: number;
}

/**
 * A reader written once for both the sync and async APIs: a generator that yields the byte ranges it
 * needs and receives each range (in a fresh, aligned ArrayBuffer), then returns its result.
 * It gets the file size first.
 */
export type ReadPlan<T> = (size: number) => Generator<ReadRequest, T, Uint8Array>;

/** Runs `plan` on `file` with synchronous reads. */
export function runReadPlanSync<T>(file: string, plan: ReadPlan<T>): T {
  return withOpenFileSync(file, (fd, size) => {
    const steps = plan(size);
    let step = steps.next();
    while (!step.done) step = steps.next(readRangeSync(fd, step.value.position, step.value.length));
    return step.value;
  });
}

/** Runs `plan` on `file` with asynchronous reads. */
export async function runReadPlan<T>(file: string, plan: ReadPlan<T>): Promise<T> {
  return withOpenFile(file, async (handle, size) => {
    const steps = plan(size);
    let step = steps.next();
    while (!step.done) step = steps.next(await readRange(handle, step.value.position, step.value.length));
    return step.value;
  });
}
