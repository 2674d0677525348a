// Retry settings of the jobs a submitter adds (BullMQ `attempts` and exponential `backoff`).
import { UsageError } from '../errors.js';

/** Retry settings of the jobs a submitter adds. */
export interface RetryOptions {
  /** Attempts per task before it fails for good (BullMQ `attempts`). Default 3. */
  attempts?: number;
  /** Delay before the first retry, doubled at each next one (BullMQ exponential backoff), ms. Default 1000. */
  backoffMs?: number;
}

export const RETRY_DEFAULTS = { attempts: 3, backoffMs: 1000 } as const;

/** Checks and fills {@link RetryOptions}. */
export function retrySettings(options: RetryOptions): Required<RetryOptions> {
  const attempts = options.attempts ?? RETRY_DEFAULTS.attempts;
  const backoffMs = options.backoffMs ?? RETRY_DEFAULTS.backoffMs;
  if (!Number.isSafeInteger(attempts) || attempts < 1 || attempts > 100)
    throw new UsageError(`attempts must be an integer from 1 to 100, got ${String(options.attempts)}`);
  if (!Number.isFinite(backoffMs) || backoffMs < 0) throw new UsageError(`backoffMs must be ≥ 0, got ${String(options.backoffMs)}`);
  return { attempts, backoffMs };
}
