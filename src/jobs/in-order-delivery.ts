// Hands a run's batches to a consumer in input order while the run goes on: a batch as soon as it
// and every batch before it are done. The output of `jobs embed` is then written as the shards land,
// and assembling it ends shortly after the last batch instead of starting there (it was ~0.4 s of a
// 9.5 s run on the benchmark, with the workers idle).

/** Batches read ahead of the one being handed over (each read is a few file-system calls on the thread pool). */
const READ_AHEAD = 16;

/**
 * In-order delivery of the batches `tasks` (a task may appear more than once: each occurrence is
 * delivered). Tell it which tasks are done with {@link markDone}; it reads their results with `read`
 * (undefined or a rejection: missing or damaged — the task counts as not done until it is told again)
 * and calls `deliver` one batch at a time, in order.
 */
export class InOrderDelivery<R> {
  readonly #done = new Set<string>();
  readonly #verified = new Set<string>();
  #next = 0;
  #running: Promise<void> | undefined;
  #error: { error: unknown } | undefined;

  constructor(
    private readonly tasks: readonly string[],
    private readonly read: (index: number) => Promise<R | undefined>,
    private readonly deliver: (index: number, result: R) => Promise<void> | void,
    /** Called once if `deliver` throws: delivery stops there. */
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Batches delivered so far (the first `delivered` of the input). */
  get delivered(): number {
    return this.#next;
  }

  /** Whether `task`'s result was read and checked by a delivery (its file needs no second check). */
  verified(task: string): boolean {
    return this.#verified.has(task);
  }

  markDone(tasks: Iterable<string>): void {
    for (const t of tasks) this.#done.add(t);
    this.#kick();
  }

  /** Waits for the deliveries under way; rethrows the error of `deliver`, if any. */
  async settle(): Promise<number> {
    while (this.#running) await this.#running;
    if (this.#error) throw this.#error.error;
    return this.#next;
  }

  #ready(): boolean {
    return this.#next < this.tasks.length && this.#done.has(this.tasks[this.#next]);
  }

  #kick(): void {
    if (this.#running || this.#error || !this.#ready()) return;
    this.#running = this.#drain().then(
      () => {
        this.#running = undefined;
        this.#kick(); // tasks marked done while the last read was under way
      },
      (error: unknown) => {
        this.#running = undefined;
        this.#error = { error };
        this.onError(error);
      },
    );
  }

  async #drain(): Promise<void> {
    const ahead: Promise<R | undefined>[] = [];
    while (this.#ready()) {
      while (ahead.length < READ_AHEAD) {
        const j = this.#next + ahead.length;
        if (j >= this.tasks.length || !this.#done.has(this.tasks[j])) break;
        ahead.push(this.read(j).catch(() => undefined));
      }
      const result = await ahead.shift()!;
      const task = this.tasks[this.#next];
      if (result === undefined) {
        // Counted done but its file is missing or damaged: the run's last check redoes the task and
        // marks it done again. The reads ahead are dropped (their promises never reject).
        this.#done.delete(task);
        return;
      }
      this.#verified.add(task);
      await this.deliver(this.#next, result);
      this.#next++;
    }
  }
}
