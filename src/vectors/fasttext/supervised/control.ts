/**
 * Int32 slots of the shared control block of supervised training. In a module of its own so the
 * trainer can use them without importing worker.ts, whose top level runs the worker (and would do
 * so in any worker thread that imported it, e.g. a classifier's training worker).
 */
export const SCTRL = { nextInit: 0, initDone: 1, nextJob: 2, jobsDone: 3, abort: 4, slots: 5 } as const;
