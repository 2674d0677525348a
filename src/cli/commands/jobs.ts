// `embedkit jobs …`: scale out on Redis + BullMQ (docs/jobs.md).
import type { Command } from 'commander';
import { subcommandOf } from '../command-args.js';
import type { Register } from '../program.js';
import type { GlobalOptions } from '../run.js';

type RegisterSub = (jobs: Command, globals: () => GlobalOptions) => void;

/**
 * The subcommands, in the order `--help` lists them, and the module that registers each. Loaded
 * only when run: `jobs embed` imported 165 modules with all four (`jobs index` brings the index
 * builders and every vector format) and 65 with its own, ~60 ms of a submitter's start-up in
 * which the workers wait.
 */
const SUBCOMMANDS: readonly { name: string; load: () => Promise<RegisterSub> }[] = [
  { name: 'worker', load: async () => (await import('./jobs-worker.js')).registerJobsWorker },
  { name: 'embed', load: async () => (await import('./jobs-embed.js')).registerJobsEmbed },
  { name: 'index', load: async () => (await import('./jobs-index.js')).registerJobsIndex },
  { name: 'status', load: async () => (await import('./jobs-status.js')).registerJobsStatus },
];

/** Loads the subcommand `rest` names (all of them for `jobs --help` or an unknown name) and returns the register of `jobs`. */
export async function loadJobs(rest?: readonly string[]): Promise<Register> {
  const name = subcommandOf(
    rest,
    SUBCOMMANDS.map((s) => s.name),
  );
  const registers = await Promise.all(SUBCOMMANDS.filter((s) => name === undefined || s.name === name).map((s) => s.load()));
  return (program, globals) => {
    const jobs = program
      .command('jobs')
      .description('scale out on Redis + BullMQ: workers on any host, distributed embedding and index building (needs bullmq and ioredis)');
    for (const register of registers) register(jobs, globals);
  };
}
