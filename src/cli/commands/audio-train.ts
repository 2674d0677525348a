// `embedkit audio train`: trains the audio CNN on DIR/<label>/*.wav and saves it to one .ekte file.
import { InvalidArgumentError, type Command } from 'commander';
import { AUDIO_CNN_LOSSES, trainAudioCnn, type AudioCnnTrainingOptions } from '../../encode/audio/train-audio-cnn.js';
import { addLibraryFlags, libraryOptions, type LibraryFlag } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { float, int, oneOf } from '../parse.js';
import { duration, ProgressBar } from '../progress-bar.js';
import { abortOnSigint, EXIT, type GlobalOptions } from '../run.js';

/** "16,32,64" → [16, 32, 64]. */
function intList(value: string): number[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 8192))
    throw new InvalidArgumentError(`'${value}' is not a comma-separated list of positive integers.`);
  return parts.map(Number);
}

/** The training flags, typed from the library's options (defaults are the library's). */
export const AUDIO_TRAIN_FLAGS: readonly LibraryFlag<AudioCnnTrainingOptions>[] = [
  { key: 'epochs', flags: '--epochs <n>', description: 'passes over the training clips', parse: int(1, 100000), default: 40 },
  { key: 'learningRate', flags: '--lr <x>', description: 'Adam step size (cosine-decayed to 5 %)', parse: float(1e-7, 10), default: 2e-3 },
  { key: 'batchSize', flags: '--batch <n>', description: 'clips per step', parse: int(2, 4096), default: 32 },
  { key: 'seed', flags: '--seed <n>', description: 'seed of initialisation, batches, augmentation, dropout', parse: int(), default: 1 },
  {
    key: 'loss',
    flags: '--loss <loss>',
    description: `training loss: ${AUDIO_CNN_LOSSES.join(', ')}`,
    parse: oneOf(AUDIO_CNN_LOSSES),
    default: 'softmax',
  },
  {
    key: 'channels',
    flags: '--channels <list>',
    description: 'channels of the conv blocks (3×3 conv, ReLU, 2×2 max-pool each)',
    parse: intList,
    default: [16, 32, 64, 64],
  },
  { key: 'embeddingDim', flags: '--dim <n>', description: 'embedding dimension', parse: int(1, 8192), default: 128 },
  { key: 'hidden', flags: '--hidden <list>', description: 'hidden dense ReLU layers before the embedding layer', parse: intList },
  { key: 'dropout', flags: '--dropout <p>', description: 'dropout on the flattened conv features', parse: float(0, 0.95), default: 0.3 },
  { key: 'weightDecay', flags: '--weight-decay <x>', description: 'decoupled weight decay (AdamW)', parse: float(0, 1), default: 1e-4 },
  { key: 'frames', flags: '--frames <n>', description: 'frames (10 ms) per log-mel patch', parse: int(16, 10000), default: 96 },
  {
    key: 'augment',
    flags: '--no-augment',
    description: 'train on the clean patches only (no noise/tempo/pitch/band/mask augmentation)',
    default: true,
  },
  { key: 'name', flags: '--name <name>', description: 'encoder name saved in the file (default audio-cnn:<folder name>)', parse: (v) => v },
];

interface TrainFlags {
  data: string;
  output: string;
  json: boolean;
  quiet: boolean;
}

/** Registers `embedkit audio train` under the `audio` command. */
export function registerAudioTrain(audio: Command, globals: () => GlobalOptions): void {
  const command = audio
    .command('train')
    .description(
      'train a small CNN over log-mel patches on labelled clips (DIR/<label>/*.wav, also FLAC/Ogg/MP3) and save it as an audio encoder (.ekte); use it with `embed audio --encoder MODEL`',
    )
    .requiredOption('-d, --data <dir>', 'folder of labelled clips: one sub-folder per label')
    .requiredOption('-o, --output <file>', 'the trained model (.ekte)');
  addLibraryFlags(command, AUDIO_TRAIN_FLAGS)
    .option('--json', 'print {output, labels, clips, failed, losses, trainAccuracy, seconds, …}', false)
    .option('-q, --quiet', 'no progress bar', false)
    .action(async (raw: TrainFlags & Record<string, unknown>) => {
      const o = { ...raw, json: raw.json || globals().json };
      const options = libraryOptions<AudioCnnTrainingOptions>(raw, AUDIO_TRAIN_FLAGS);
      const bar = new ProgressBar(!o.quiet);
      const t0 = performance.now();
      try {
        const { encoder, report } = await trainAudioCnn(o.data, {
          ...options,
          signal: abortOnSigint(),
          onClips: (done, total) => bar.update('decode', done / total, `${done}/${total} clips`),
          onStep: (step, steps, loss) => {
            const elapsed = (performance.now() - t0) / 1000;
            bar.update(
              'train',
              step / steps,
              `step ${step}/${steps}  loss ${loss.toFixed(3)}  eta ${duration((elapsed / step) * (steps - step))}`,
            );
          },
        });
        bar.update('save', 1, o.output, true);
        await encoder.save(o.output);
        bar.done();
        const summary = {
          output: o.output,
          name: encoder.name,
          dimension: encoder.dimension,
          labels: report.labels,
          clips: report.clips,
          failed: report.failures.length,
          failures: report.failures,
          epochs: report.losses.length,
          finalLoss: report.losses[report.losses.length - 1],
          losses: report.losses,
          trainAccuracy: report.trainAccuracy,
          seconds: report.seconds,
        };
        if (o.json) printJson(summary);
        else {
          if (report.failures.length > 0)
            process.stderr.write(`${report.failures.map((f) => `embedkit: skipped: ${f.message}`).join('\n')}\n`);
          printLines([
            `trained ${encoder.name} on ${report.clips} clips of ${report.labels.length} labels, ${summary.epochs} epochs in ${report.seconds.toFixed(1)} s (${report.failures.length} skipped)`,
            `final loss ${summary.finalLoss.toFixed(4)}, training-set accuracy (nearest class mean) ${report.trainAccuracy.toFixed(3)}`,
            `wrote ${o.output} (${encoder.dimension}-d embeddings; embedkit embed audio --encoder ${o.output} …)`,
          ]);
        }
        process.exitCode = EXIT.ok;
      } finally {
        bar.done();
      }
    });
}
