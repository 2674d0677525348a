// A campaign worker thread: runs the chunks the main thread sends, one at a time, and bumps the
// heartbeat before each case so the main thread can tell a hang from a slow chunk.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { prepareTarget, runChunk, type PreparedTarget } from './lib/campaign-chunk.js';
import type { ChunkRequest, WorkerReply, WorkerSetup } from './protocol.js';
import { TARGETS } from './targets/index.js';

const setup = workerData as WorkerSetup;
const heartbeat = new Int32Array(setup.heartbeat);
const prepared = new Map<string, PreparedTarget>();
fs.mkdirSync(setup.dir, { recursive: true });

async function handle(request: ChunkRequest): Promise<WorkerReply> {
  try {
    let p = prepared.get(request.target);
    if (!p) {
      p = await prepareTarget(TARGETS[request.target](), setup.dir);
      prepared.set(request.target, p);
    }
    return await runChunk(p, request, setup.dir, setup.findings, () => Atomics.add(heartbeat, 0, 1));
  } catch (error) {
    return { type: 'error', target: request.target, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

parentPort!.on('message', (request: ChunkRequest) => {
  void handle(request).then((reply) => parentPort!.postMessage(reply));
});
