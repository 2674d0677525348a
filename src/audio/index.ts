/**
 * Audio: decoding (WAV, FLAC, Ogg, MP3) to mono, resampling, and librosa-convention features —
 * STFT, (mel) spectrograms, power_to_db, MFCC and deltas, spectral features, RMS, zero-crossing
 * rate, chroma — plus the VGGish/YAMNet log-mel front end. Package entry `embedkit/audio`.
 * @module embedkit/audio
 */
export {
  decodeAudio,
  openAudio,
  sniffAudioFormat,
  type AudioFormat,
  type AudioSource,
  type DecodeOptions,
  type DecodedAudio,
} from './decode.js';
export { resample, Resampler } from './resample.js';
export { makeWindow, WINDOW_KINDS, type WindowKind } from './window.js';
export { RealFft } from './fft.js';
export { SpectrumFrames, PAD_MODES, type FramingSpec, type FrameTransform, type PadMode } from './frames.js';
export { MelFrames, melSpectrogram, spectrogram, stftFraming, type SpectrogramOptions, type StftOptions } from './stft.js';
export {
  applyMel,
  hzToMel,
  melFilterbank,
  melToHz,
  vggishMelFilterbank,
  type MelFilterbank,
  type MelNorm,
  type MelOptions,
  type MelScale,
} from './mel.js';
export { logOffset, powerToDb, type PowerToDbOptions } from './db.js';
export { Dct2 } from './dct.js';
export { delta, mfcc, mfccFromLogMel, type MfccOptions } from './mfcc.js';
export {
  rms,
  spectralBandwidth,
  spectralCentroid,
  spectralFlatness,
  spectralRolloff,
  zeroCrossingRate,
  type TimeFrameOptions,
} from './spectral.js';
export { chroma, chromaFilterbank, type ChromaOptions } from './chroma.js';
export { extractFeatures, FEATURE_KINDS, type ExtractedFeatures, type ExtractOptions, type FeatureKind } from './extract.js';
export { FRONT_END_PARAMS, logMelPatches, VGGISH_FRONT_END, VggishLogMelFrames, vggishLogMel, type FrontEndModel } from './vggish.js';
