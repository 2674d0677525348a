// Worker-thread entry of fitMethod (fit-method.ts): trains one built-in classification method and
// posts its progress, then its state.
import { parentPort, workerData } from 'node:worker_threads';
import type { FitMessage, FitTask } from './fit-method.js';
import { classifierMethod } from './methods.js';

const task = workerData as FitTask;
const post = (m: FitMessage) => parentPort!.postMessage(m);
let last = 0;
try {
  const model = await classifierMethod(task.method).fit(task.data, task.y, task.K, {
    ...task.options,
    onProgress: (fraction) => {
      const now = Date.now();
      if (now - last < 100 && fraction < 1) return; // at most ~10 messages a second
      last = now;
      post({ type: 'progress', fraction });
    },
  });
  post({ type: 'done', state: model.state() });
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  post({ type: 'error', name: err.name, message: err.message });
}
