// A campaign worker process: runs the chunks the main process sends, one at a time, and sends a
// heartbeat before each case so the main process can tell a hang from a slow chunk. A process (not a
// thread): a reader that kills its process (a V8 fatal error, memory exhausted) only takes this one down.
import fs from 'node:fs';
import { prepareTarget, runChunk, type PreparedTarget } from './lib/campaign-chunk.js';
import type { ChunkRequest, WorkerReply, WorkerSetup } from './protocol.js';
import { TARGETS } from './targets/index.js';

const prepared = new Map<string, PreparedTarget>();
let setup: WorkerSetup | undefined;

function send(reply: WorkerReply): void {
  process.send!(reply);
}

async function handle(request: ChunkRequest, { dir, findings }: WorkerSetup): Promise<WorkerReply> {
  try {
    let p = prepared.get(request.target);
    if (!p) {
      p = await prepareTarget(TARGETS[request.target](), dir);
      prepared.set(request.target, p);
    }
    return await runChunk(p, request, dir, findings, () => send({ type: 'beat' }));
  } catch (error) {
    return { type: 'error', target: request.target, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

process.on('message', (message: WorkerSetup | ChunkRequest) => {
  if (message.type === 'setup') {
    setup = message;
    fs.mkdirSync(setup.dir, { recursive: true });
    return;
  }
  void handle(message, setup!).then(send);
});
process.on('disconnect', () => process.exit(0));
