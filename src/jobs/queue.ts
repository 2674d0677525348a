// The BullMQ queue of a cluster, opened on a shared connection, and the retry settings of its jobs.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { PREFIX, QUEUE } from './keys.js';
import { loadJobPackages } from './packages.js';

/** Opens the cluster's queue on `connection` (not closed by `queue.close()`: the caller owns it). */
export async function openQueue(connection: Redis): Promise<Queue> {
  const { bullmq } = await loadJobPackages();
  const queue = new bullmq.Queue(QUEUE, { connection, prefix: PREFIX });
  queue.on('error', () => undefined); // connection drops: ioredis reconnects, calls wait
  return queue;
}
