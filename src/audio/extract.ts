import type { Matrix } from '../math/matrix.js';
import { UsageError } from '../errors.js';
import { powerToDb } from './db.js';
import { openAudio } from './decode.js';
import type { MelScale } from './mel.js';
import { mfccFromLogMel } from './mfcc.js';
import { SpectrumFrames } from './frames.js';
import { MelFrames, stftFraming } from './stft.js';
import { VGGISH_FRONT_END, VggishLogMelFrames } from './vggish.js';

/** Feature kinds of {@link extractFeatures}. */
export type FeatureKind = 'vggish' | 'yamnet' | 'logmel' | 'melspectrogram' | 'mfcc' | 'spectrogram';

export const FEATURE_KINDS: readonly FeatureKind[] = ['vggish', 'yamnet', 'logmel', 'melspectrogram', 'mfcc', 'spectrogram'];

/** Options of {@link extractFeatures}: librosa's defaults unless the kind fixes them (vggish/yamnet). */
export interface ExtractOptions {
  features?: FeatureKind;
  /** Default 22050 (librosa.load's); vggish/yamnet always 16000. */
  sampleRate?: number;
  /** Default 2048. */
  nFft?: number;
  /** Default nFft / 4. */
  hopLength?: number;
  /** Default 128 (logmel, melspectrogram, mfcc). */
  nMels?: number;
  /** Default 20 (mfcc). */
  nMfcc?: number;
  /** Default 'slaney'. */
  melScale?: MelScale;
  fmin?: number;
  fmax?: number;
  /** Stop after this many seconds. */
  maxSeconds?: number;
  signal?: AbortSignal;
  /** Called after each decoded chunk with the seconds of audio done so far. */
  onProgress?: (seconds: number) => void;
}

/** Frame-wise features of a whole file and how they were framed. */
export interface ExtractedFeatures {
  sampleRate: number;
  /** Hop between frames, in samples at `sampleRate`. */
  hop: number;
  /** `frames × bins`, frame-major. */
  features: Matrix;
  truncated: boolean;
}

/**
 * Frame-wise features of an audio file (every frame of the whole file, no patching), decoded and
 * framed chunk by chunk, so memory is the output plus one chunk: `logmel` = power_to_db of the
 * mel spectrogram (librosa.feature.melspectrogram → librosa.power_to_db), `mfcc` as
 * librosa.feature.mfcc, `spectrogram` = |STFT|, `vggish`/`yamnet` = the published log-mel front ends.
 */
export async function extractFeatures(input: string | Uint8Array, options: ExtractOptions = {}): Promise<ExtractedFeatures> {
  const kind = options.features ?? 'logmel';
  if (!FEATURE_KINDS.includes(kind)) throw new UsageError(`unknown features '${String(kind)}' (known: ${FEATURE_KINDS.join(', ')})`);
  const fixed = kind === 'vggish' || kind === 'yamnet';
  if (fixed && options.sampleRate !== undefined && options.sampleRate !== 16000)
    throw new UsageError(`${kind} features are defined at 16000 Hz, not ${options.sampleRate}`);
  const sampleRate = fixed ? VGGISH_FRONT_END.sampleRate : (options.sampleRate ?? 22050);
  let stream: { push(x: Float32Array): Float32Array; end(): Float32Array; dim: number };
  let hop: number;
  if (fixed) {
    const f = new VggishLogMelFrames(kind);
    stream = { push: (x) => f.push(x), end: () => f.end(), dim: VGGISH_FRONT_END.nMels };
    hop = VGGISH_FRONT_END.hop;
  } else if (kind === 'spectrogram') {
    const spec = stftFraming({ nFft: options.nFft, hopLength: options.hopLength }, 1);
    const bins = (spec.nFft >> 1) + 1;
    const s = new SpectrumFrames(spec, bins, (spectrum, out) => {
      for (let k = 0; k < bins; k++) out[k] = spectrum[k];
    });
    stream = { push: (x) => s.push(x), end: () => s.end(), dim: bins };
    hop = spec.hop;
  } else {
    const m = new MelFrames(sampleRate, {
      nFft: options.nFft,
      hopLength: options.hopLength,
      nMels: options.nMels,
      scale: options.melScale,
      fmin: options.fmin,
      fmax: options.fmax,
    });
    stream = { push: (x) => m.push(x), end: () => m.end(), dim: m.nMels };
    hop = m.stream.spec.hop;
  }
  const source = await openAudio(input, { sampleRate, maxSeconds: options.maxSeconds, signal: options.signal });
  const parts: Float32Array[] = [];
  let total = 0;
  let seen = 0;
  for await (const chunk of source.chunks()) {
    const frames = stream.push(chunk);
    parts.push(frames);
    total += frames.length;
    seen += chunk.length;
    options.onProgress?.(seen / sampleRate);
  }
  const last = stream.end();
  parts.push(last);
  total += last.length;
  const data = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.length;
  }
  let features: Matrix = { rows: total / stream.dim, dim: stream.dim, data };
  if (kind === 'logmel') features = powerToDb(features);
  else if (kind === 'mfcc') features = mfccFromLogMel(powerToDb(features), options.nMfcc ?? 20);
  return { sampleRate, hop, features, truncated: source.stats.truncated };
}
