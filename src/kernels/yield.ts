import { AbortError } from '../errors.js';

/** Lets other callbacks run (training is CPU-bound), then throws if `signal` was aborted. */
export async function yieldToEventLoop(signal?: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (signal?.aborted) throw new AbortError();
}
