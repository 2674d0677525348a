// The compute slots of a worker: a FIFO semaphore. A worker holds more jobs than it computes at once
// (prefetch), so that one job's input reading, shard writing and Redis round trips overlap another
// job's encoder call, while the encoder calls themselves never outnumber the cores they were given.

/** At most `size` sections run at once; the others wait in arrival order. */
export class ComputeSlots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    this.#free = size;
  }

  /** Runs `fn` once a slot is free, and frees the slot when it settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next)
        next(); // the slot passes straight to the next waiter
      else this.#free++;
    }
  }
}
