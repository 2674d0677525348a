// Worker-thread entry of the audio encoders (audio-pool.ts): builds one encoder from its settings
// and computes the rows of the clips it is sent, one request at a time, on this thread.
import { parentPort, workerData } from 'node:worker_threads';
import type { BatchOutput } from '../batch.js';
import type { AudioInput } from './inputs.js';
import type { AudioRunRequest, AudioWorkerReply, AudioWorkerSpec } from './audio-pool.js';

const port = parentPort;
if (!port) throw new Error('audio-worker.js must run in a worker thread');
const post = (reply: AudioWorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

async function load(spec: AudioWorkerSpec): Promise<(inputs: AudioInput[]) => Promise<BatchOutput>> {
  if (spec.kind === 'mfcc-stats') {
    const { MfccStatsEncoder } = await import('./mfcc-stats.js');
    const encoder = new MfccStatsEncoder({ ...spec.options, threads: 0 });
    return (inputs) => encoder.computeRows(inputs, undefined);
  }
  const { decodeAudioCnn } = await import('./audio-cnn-file.js');
  const { AudioCnnEncoder } = await import('./audio-cnn.js');
  const { info, net } = decodeAudioCnn(spec.model, '<audio-cnn model>');
  const encoder = new AudioCnnEncoder(info, net, { maxSeconds: spec.maxSeconds, threads: 0 });
  return (inputs) => encoder.computeRows(inputs, undefined);
}

async function main(): Promise<void> {
  let run: (inputs: AudioInput[]) => Promise<BatchOutput>;
  try {
    run = await load(workerData as AudioWorkerSpec);
  } catch (e) {
    post({ type: 'error', message: (e as Error).message });
    return;
  }
  let queue = Promise.resolve();
  port!.on('message', (m: AudioRunRequest) => {
    queue = queue.then(async () => {
      try {
        const { data, errors } = await run(m.inputs);
        post({ type: 'result', id: m.id, data, errors: [...(errors ?? [])] }, [data.buffer as ArrayBuffer]);
      } catch (e) {
        post({ type: 'error', id: m.id, message: (e as Error).message });
      }
    });
  });
  post({ type: 'ready' });
}

void main();
