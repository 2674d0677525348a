import { UsageError } from '../errors.js';

/**
 * Enforces the concurrency contract of an index (see {@link VectorIndex}): its asynchronous
 * operations (add, searchBatch, save) run one at a time in call order, and synchronous changes are
 * refused while any of them is in flight (from the call until its promise settles). Synchronous
 * searches are not gated: they run in work areas of their own (see kernel/work-memory.ts).
 */
export class OperationGate {
  /** Asynchronous operations started and not settled, and the promise of the last one. */
  private inFlight = 0;
  private tail: Promise<void> = Promise.resolve();

  /** Whether an asynchronous operation is in flight. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  /**
   * Runs `fn` after the asynchronous operations already in flight. When none is, `fn` starts at
   * once (synchronously), as a plain call would.
   */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.inFlight > 0 ? this.tail.then(fn) : fn();
    this.inFlight++;
    const done = result.finally(() => {
      this.inFlight--;
    });
    this.tail = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  /** Throws unless the index is idle: `what` is the refused call. */
  assertIdle(what: string): void {
    if (this.inFlight > 0)
      throw new UsageError(
        `${what}: the index is busy with an asynchronous add, searchBatch or save; await it first (searches may run meanwhile)`,
      );
  }
}
