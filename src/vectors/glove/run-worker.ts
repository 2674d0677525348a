import { Worker } from 'node:worker_threads';
import { EmbedkitError } from '../../errors.js';

/**
 * Runs one worker thread per task of `url` and resolves with their replies (the `type: 'done'`
 * messages, in task order). The first failure sets `abort()` (so the others stop) and rejects.
 */
export function runWorkerThreads<R>(url: URL, tasks: readonly unknown[], abort: () => void, what: string): Promise<R[]> {
  return new Promise((resolve, reject) => {
    const replies: R[] = new Array<R>(tasks.length);
    let running = tasks.length;
    let failed: Error | undefined;
    tasks.forEach((task, i) => {
      const t = new Worker(url, { workerData: task });
      let settled = false;
      const end = (err?: Error) => {
        if (settled) return;
        settled = true;
        if (err && !failed) {
          failed = err;
          abort();
        }
        if (--running === 0) {
          if (failed) reject(failed);
          else resolve(replies);
        }
      };
      t.on('message', (msg: { type: string; message?: string }) => {
        if (msg.type === 'error') end(new EmbedkitError(`${what} worker failed: ${msg.message}`));
        else {
          replies[i] = msg as R;
          end();
        }
      });
      t.on('error', (e) => end(new EmbedkitError(`${what} worker crashed: ${e.message}`)));
      t.on('exit', (code) => end(code === 0 ? undefined : new EmbedkitError(`${what} worker exited with code ${code}`)));
    });
  });
}
