// `embedkit audio features`: frame-wise features of an audio file (the whole file, no patching).
import type { Command } from 'commander';
import { Option } from 'commander';
import { extractFeatures, FEATURE_KINDS, type ExtractOptions, type FeatureKind } from '../../audio/extract.js';
import { formatFloat32 } from '../../io/core/float-text.js';
import { int, oneOf, float } from '../parse.js';
import { ProgressBar } from '../progress-bar.js';
import { abortOnSigint, type GlobalOptions } from '../run.js';
import { registerAudioTrain } from './audio-train.js';

interface FeaturesFlags {
  features: FeatureKind;
  sampleRate?: number;
  nFft?: number;
  hop?: number;
  nMels?: number;
  nMfcc?: number;
  melScale?: 'slaney' | 'htk';
  fmin?: number;
  fmax?: number;
  maxSeconds?: number;
  json: boolean;
  quiet: boolean;
}

/** Writes `text` to stdout, waiting when the pipe is full (large outputs stay bounded in memory). */
function write(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (process.stdout.write(text)) resolve();
    else {
      process.stdout.once('drain', resolve);
      process.stdout.once('error', reject);
    }
  });
}

/** Registers `embedkit audio …`. */
export function registerAudio(program: Command, globals: () => GlobalOptions): Command {
  const audio = program
    .command('audio')
    .description('audio features and audio models (decode WAV/FLAC/Ogg/MP3, log-mel, MFCC, VGGish front end; train an audio CNN)');
  audio
    .command('features')
    .description(
      'frame-wise features of an audio file: one row per frame of the whole file (librosa conventions; vggish/yamnet = the published front ends)',
    )
    .argument('<file>', 'audio file (WAV, FLAC, Ogg Vorbis/Opus, MP3)')
    .addOption(new Option('-f, --features <kind>', 'features').choices(FEATURE_KINDS).default('logmel'))
    .option('--sample-rate <hz>', 'resample to this rate (default 22050 like librosa.load; vggish/yamnet: 16000)', int(1000, 768000))
    .option('--n-fft <n>', 'FFT length (default 2048)', int(2, 1 << 20))
    .option('--hop <n>', 'hop length in samples (default n-fft/4)', int(1, 1 << 24))
    .option('--n-mels <n>', 'mel bands (default 128)', int(1, 4096))
    .option('--n-mfcc <n>', 'MFCCs (default 20)', int(1, 4096))
    .addOption(new Option('--mel-scale <scale>', 'mel scale (default slaney)').argParser(oneOf(['slaney', 'htk'] as const)))
    .option('--fmin <hz>', 'lowest mel frequency (default 0)', float(0, 1e6))
    .option('--fmax <hz>', 'highest mel frequency (default sample-rate/2)', float(0, 1e6))
    .option('--max-seconds <s>', 'read at most this many seconds', float(1e-3, 1e9))
    .option('--json', 'print {"sampleRate", "hop", "shape": [frames, bins], "data": [[…], …]} (else one line of numbers per frame)', false)
    .option('-q, --quiet', 'no progress bar', false)
    .action(async (file: string, raw: FeaturesFlags) => {
      const o = { ...raw, json: raw.json || globals().json };
      // A closed pipe (`… | head`) ends the output quietly.
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') process.exit(0);
        throw error;
      });
      const bar = new ProgressBar(!o.quiet);
      const options: ExtractOptions = {
        features: o.features,
        sampleRate: o.sampleRate,
        nFft: o.nFft,
        hopLength: o.hop,
        nMels: o.nMels,
        nMfcc: o.nMfcc,
        melScale: o.melScale,
        fmin: o.fmin,
        fmax: o.fmax,
        maxSeconds: o.maxSeconds,
        signal: abortOnSigint(),
        onProgress: (seconds) => bar.update('decode', 0, `${seconds.toFixed(1)} s of audio`),
      };
      const result = await extractFeatures(file, options);
      bar.done();
      const { rows, dim, data } = result.features;
      const line = (t: number): string => {
        const cells: string[] = new Array(dim);
        for (let k = 0; k < dim; k++) cells[k] = formatFloat32(data[t * dim + k]);
        return o.json ? `[${cells.join(',')}]` : cells.join(' ');
      };
      if (o.json) {
        await write(`{"sampleRate":${result.sampleRate},"hop":${result.hop},"shape":[${rows},${dim}],"data":[`);
        for (let t = 0; t < rows; t++) await write((t > 0 ? ',' : '') + line(t));
        await write(']}\n');
      } else {
        for (let t = 0; t < rows; t += 256) {
          const lines: string[] = [];
          for (let u = t; u < Math.min(rows, t + 256); u++) lines.push(line(u));
          await write(`${lines.join('\n')}\n`);
        }
        if (!o.quiet) process.stderr.write(`${rows} frames × ${dim} (${o.features}, ${result.sampleRate} Hz, hop ${result.hop})\n`);
      }
    });
  registerAudioTrain(audio, globals);
  return audio;
}
