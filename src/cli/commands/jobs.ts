// `embedkit jobs …`: scale out on Redis + BullMQ (docs/jobs.md).
import type { Command } from 'commander';
import type { GlobalOptions } from '../run.js';
import { registerJobsEmbed } from './jobs-embed.js';
import { registerJobsIndex } from './jobs-index.js';
import { registerJobsStatus } from './jobs-status.js';
import { registerJobsWorker } from './jobs-worker.js';

export function registerJobs(program: Command, globals: () => GlobalOptions): void {
  const jobs = program
    .command('jobs')
    .description('scale out on Redis + BullMQ: workers on any host, distributed embedding and index building (needs bullmq and ioredis)');
  registerJobsWorker(jobs, globals);
  registerJobsEmbed(jobs, globals);
  registerJobsIndex(jobs, globals);
  registerJobsStatus(jobs, globals);
}
