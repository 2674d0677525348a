// `embedkit jobs status`: workers, jobs per state and recent runs of the cluster.
import type { Command } from 'commander';
import { clusterStatus } from '../../jobs/status.js';
import { int } from '../parse.js';
import { printJson, printLines, table } from '../output.js';
import type { GlobalOptions } from '../run.js';
import { addRedisFlag } from './jobs-flags.js';

export function registerJobsStatus(jobs: Command, globals: () => GlobalOptions): void {
  const command = jobs.command('status').description('show the workers, the queued jobs and the progress of recent runs');
  addRedisFlag(command);
  command
    .option('--runs <n>', 'runs to show, most recent first', int(1, 1000), 20)
    .option('--json', 'print JSON {redis, workers, jobs, runs}', false)
    .action(async (o: { redis: string; runs: number; json: boolean }) => {
      const s = await clusterStatus(o.redis, o.runs);
      if (o.json || globals().json) return printJson(s);
      const lines = [`redis ${s.redis}: ${s.workers.length} worker${s.workers.length === 1 ? '' : 's'}`];
      for (const w of s.workers) lines.push(`  ${w.name}  ${w.addr}`);
      lines.push(
        `jobs: ${Object.entries(s.jobs)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
      if (s.runs.length > 0) {
        lines.push('');
        lines.push(
          ...table([
            ['run', 'kind', 'state', 'done', 'failed', 'total', 'updated', 'output'],
            ...s.runs.map((r) => [r.run, r.kind, r.state, r.done, r.failed, r.total, r.updatedAt, r.output]),
          ]),
        );
      }
      printLines(lines);
    });
}
