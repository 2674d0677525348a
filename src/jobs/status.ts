// `jobs status`: what the cluster is doing — workers connected, jobs per state, and the recent runs
// with their progress (counted from the same Redis keys the submitters poll).
import { doneKey, failedKey, RUNS_KEY, runKey } from './keys.js';
import { openQueue } from './queue.js';
import { connectRedis, redactRedisUrl } from './redis.js';

/** One run in {@link ClusterStatus}. */
export interface RunStatus {
  run: string;
  kind: string;
  input: string;
  output: string;
  /** running, done or failed (a run whose submitter died stays "running" until it is rerun). */
  state: string;
  total: number;
  done: number;
  failed: number;
  createdAt: string;
  updatedAt: string;
}

/** What {@link clusterStatus} reports. */
export interface ClusterStatus {
  redis: string;
  workers: { name: string; addr: string }[];
  jobs: Record<string, number>;
  runs: RunStatus[];
}

/** The name a worker was started with: BullMQ's client name is `<prefix>:<queue, base64>:w:<name>`. */
function workerName(c: Record<string, string | undefined>): string {
  const raw = String(c.rawname ?? c.name ?? '');
  const at = raw.indexOf(':w:');
  return at >= 0 ? raw.slice(at + 3) : raw;
}

function iso(ms: string | undefined): string {
  const n = Number(ms);
  return Number.isFinite(n) && n > 0 ? new Date(n).toISOString() : '';
}

/** Reads the state of the cluster at `redis` (the `limit` most recently updated runs). */
export async function clusterStatus(redis: string, limit = 20): Promise<ClusterStatus> {
  const connection = await connectRedis(redis);
  try {
    const queue = await openQueue(connection);
    try {
      const [clients, counts] = await Promise.all([
        queue.getWorkers(),
        queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'failed', 'completed'),
      ]);
      const workers = clients
        .map((c: Record<string, string | undefined>) => ({ name: workerName(c), addr: String(c.addr ?? '') }))
        .sort((a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const ids = await connection.zrevrange(RUNS_KEY, 0, limit - 1);
      const runs: RunStatus[] = [];
      for (const run of ids) {
        const [h, done, failed] = await Promise.all([
          connection.hgetall(runKey(run)),
          connection.scard(doneKey(run)),
          connection.hlen(failedKey(run)),
        ]);
        if (!h.kind) {
          await connection.zrem(RUNS_KEY, run); // expired
          continue;
        }
        const finished = h.state === 'done' || h.state === 'failed';
        runs.push({
          run,
          kind: h.kind,
          input: h.input ?? '',
          output: h.output ?? '',
          state: h.state ?? 'running',
          total: Number(h.total ?? 0),
          done: finished && h.done !== undefined ? Number(h.done) : done,
          failed: finished && h.failed !== undefined ? Number(h.failed) : failed,
          createdAt: iso(h.createdAt),
          updatedAt: iso(h.updatedAt),
        });
      }
      return { redis: redactRedisUrl(redis), workers, jobs: counts, runs };
    } finally {
      await queue.close();
    }
  } finally {
    connection.disconnect();
  }
}
