// `embedkit jobs worker`: runs tasks of the cluster until interrupted (SIGINT/SIGTERM finish the
// running tasks, then exit 0; a second signal exits at once).
import type { Command } from 'commander';
import { startWorker, type WorkerEvent, type WorkerOptions } from '../../jobs/worker.js';
import { redactRedisUrl } from '../../jobs/redis.js';
import { addLibraryFlags, libraryOptions } from '../library-options.js';
import { printJson } from '../output.js';
import type { GlobalOptions } from '../run.js';
import { addRedisFlag, WORKER_FLAGS } from './jobs-flags.js';

function describe(e: WorkerEvent): string {
  const what = `${e.label} of ${e.kind} run ${e.run} (attempt ${e.attempt})`;
  if (e.event === 'start') return `start  ${what}`;
  if (e.event === 'done') return `done   ${what} in ${(e.seconds ?? 0).toFixed(2)} s`;
  return `${e.event === 'retry' ? 'retry ' : 'failed'} ${what}: ${e.error ?? ''}`;
}

export function registerJobsWorker(jobs: Command, globals: () => GlobalOptions): void {
  const command = jobs.command('worker').description('run tasks of the cluster (embed batches, index partitions) until interrupted');
  addRedisFlag(command);
  addLibraryFlags(command, WORKER_FLAGS);
  command
    .option('--json', 'one JSON line per event on stdout: {"event":"ready"|"start"|"done"|"retry"|"failed", …}', false)
    .option('-q, --quiet', 'print nothing but errors', false)
    .action(async (o: { redis: string; json: boolean; quiet: boolean } & Record<string, unknown>) => {
      const json = o.json || globals().json;
      const settings = libraryOptions(o, WORKER_FLAGS) as Omit<WorkerOptions, 'redis' | 'onEvent'>;
      const onEvent = (e: WorkerEvent) => {
        if (json) printJson(e);
        else if (!o.quiet) process.stdout.write(`${describe(e)}\n`);
      };
      const worker = await startWorker({ ...settings, redis: o.redis, onEvent });
      if (json) printJson({ event: 'ready', name: worker.name, redis: redactRedisUrl(o.redis), pid: process.pid });
      else if (!o.quiet)
        process.stdout.write(
          `worker ${worker.name} ready on ${redactRedisUrl(o.redis)} (concurrency ${settings.concurrency ?? 1}, prefetch ${settings.prefetch ?? 1})\n`,
        );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.once('SIGINT', () => process.exit(130));
          process.once('SIGTERM', () => process.exit(130));
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await worker.close();
    });
}
