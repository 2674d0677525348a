#!/usr/bin/env node
// Audio encoder benchmark (npm run bench:audio-quality; run `npm run build` first).
//
// Builds the spoken-digit set of scripts/make-audio-set.mjs (espeak-ng voices × speeds, degraded
// copies by sox) and reports, for each encoder side by side in one run:
//   - leave-one-voice-out 1-NN accuracy (cosine): each clip's nearest neighbour among the clips of
//     the *other* voices must say the same word;
//   - throughput in clips/s (decode + features + vector, one thread).
// Encoders: `mean-logmel` (trivial baseline: the clip's mean log-mel, 40 bands, no order),
// `mfcc-stats`, and `audio-cnn` (trainAudioCnn, as `embedkit audio train`). The CNN never sees the
// voice it is scored on: the voices are split into --folds groups (voice i in group i mod folds);
// for each group a CNN is trained on the clips of all other voices, and the clips of the group are
// scored (1-NN among the clips of the other voices, all embedded by that fold's CNN). With
// --train-degraded N the training clips of each fold also include a second set of the same
// (other) voices with N sox-degraded copies per clean clip (pitch, reverb, band-pass, tempo, noise).
//
// Options: --set DIR (reuse a built set), --voices N (default 12), --degraded N (default 2),
//          --folds N (default 4), --epochs N (default 40), --train-degraded N (default 0),
//          --channels a,b,c (conv blocks of the CNN, default the library's), --no-cnn, --json
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeAudioSet } from '../scripts/make-audio-set.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => join(root, 'dist', p);
const { loadEncoder } = await import(dist('encode/registry.js'));
const { BatchEncoder } = await import(dist('encode/base.js'));
const audio = await import(dist('audio/index.js'));
const { loadClip } = await import(dist('encode/audio/inputs.js'));

const args = process.argv.slice(2);
const get = (flag, fallback) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : fallback;
};
const json = args.includes('--json');

let dir = get('--set');
let temp;
let clips;
if (dir) {
  clips = [];
  for (const word of readdirSync(dir).sort())
    for (const f of readdirSync(join(dir, word)).sort()) clips.push({ path: join(dir, word, f), word, voice: f.split('__')[0] });
} else {
  temp = dir = mkdtempSync(join(tmpdir(), 'embedkit-audio-set-'));
  const t = performance.now();
  clips = makeAudioSet(dir, { voices: Number(get('--voices', 12)), degraded: Number(get('--degraded', 2)) });
  if (!json) console.error(`built ${clips.length} clips in ${((performance.now() - t) / 1000).toFixed(1)} s (${dir})`);
}

/** The trivial baseline: mean log-mel (dB) over the clip, mean-centred. */
class MeanLogMel extends BatchEncoder {
  name = 'mean-logmel';
  modality = 'audio';
  dimension = 40;
  async encodeBatch(batch) {
    const data = new Float32Array(batch.length * 40);
    for (let i = 0; i < batch.length; i++) {
      const { samples } = await loadClip(batch[i], 16000, 600);
      const db = audio.powerToDb(audio.melSpectrogram(samples, 16000, { nFft: 512, winLength: 400, hopLength: 160, nMels: 40, fmin: 20 }));
      const row = data.subarray(i * 40, (i + 1) * 40);
      for (let t = 0; t < db.rows; t++) for (let m = 0; m < 40; m++) row[m] += db.data[t * 40 + m] / db.rows;
      const mean = row.reduce((a, b) => a + b, 0) / 40;
      for (let m = 0; m < 40; m++) row[m] -= mean;
    }
    return { data };
  }
  cacheIdentity() {
    return 'mean-logmel';
  }
}

/** The word of clip i's nearest neighbour (cosine, unit rows) among the clips of the other voices. */
function nearestWord(vectors, dim, i) {
  let best = -Infinity;
  let bestJ = -1;
  for (let j = 0; j < clips.length; j++) {
    if (clips[j].voice === clips[i].voice) continue;
    let s = 0;
    for (let d = 0; d < dim; d++) s += vectors[i * dim + d] * vectors[j * dim + d];
    if (s > best) {
      best = s;
      bestJ = j;
    }
  }
  return clips[bestJ].word;
}

function oneNnAccuracy(vectors, dim) {
  let correct = 0;
  for (let i = 0; i < clips.length; i++) if (nearestWord(vectors, dim, i) === clips[i].word) correct++;
  return correct / clips.length;
}

const encoders = [new MeanLogMel(), await loadEncoder('mfcc-stats')];
const rows = [];
for (const encoder of encoders) {
  const t = performance.now();
  const out = await encoder.embed(
    clips.map((c) => c.path),
    { normalize: true },
  );
  const seconds = (performance.now() - t) / 1000;
  if (out.errors.length > 0) throw new Error(`${encoder.name}: ${out.errors.length} clips failed, first: ${out.errors[0].message}`);
  rows.push({
    encoder: encoder.name,
    dimension: out.dim,
    accuracy: oneNnAccuracy(out.data, out.dim),
    clipsPerSecond: clips.length / seconds,
  });
}
if (!args.includes('--no-cnn')) rows.push(await cnnRow());

/** The audio CNN under the voice-group protocol above. */
async function cnnRow() {
  const { trainAudioCnn } = await import(dist('encode/audio/train-audio-cnn.js'));
  const folds = Number(get('--folds', 4));
  const epochs = Number(get('--epochs', 40));
  const extraDegraded = Number(get('--train-degraded', 0));
  const channels = get('--channels')?.split(',').map(Number);
  const voiceNames = [...new Set(clips.map((c) => c.voice))].sort();
  const words = [...new Set(clips.map((c) => c.word))].sort();
  let extra = [];
  let extraDir;
  if (extraDegraded > 0) {
    extraDir = mkdtempSync(join(tmpdir(), 'embedkit-audio-train-'));
    extra = makeAudioSet(extraDir, { voices: voiceNames.length, words, degraded: extraDegraded });
  }
  let correct = 0;
  let trainSeconds = 0;
  let embedSeconds = 0;
  let dimension = 0;
  let trainClips = 0;
  for (let f = 0; f < folds; f++) {
    const held = new Set(voiceNames.filter((_, i) => i % folds === f));
    if (held.size === 0) continue;
    const train = [...clips, ...extra].filter((c) => !held.has(c.voice));
    trainClips += train.length;
    const t0 = performance.now();
    const { encoder } = await trainAudioCnn(
      { inputs: train.map((c) => c.path), labels: train.map((c) => words.indexOf(c.word)), labelNames: words },
      { epochs, seed: 1, ...(channels ? { channels } : {}) },
    );
    const t1 = performance.now();
    const out = await encoder.embed(
      clips.map((c) => c.path),
      { normalize: true },
    );
    const t2 = performance.now();
    trainSeconds += (t1 - t0) / 1000;
    embedSeconds += (t2 - t1) / 1000;
    dimension = out.dim;
    if (out.errors.length > 0) throw new Error(`audio-cnn: ${out.errors.length} clips failed, first: ${out.errors[0].message}`);
    await encoder.dispose();
    let foldCorrect = 0;
    let foldClips = 0;
    for (let i = 0; i < clips.length; i++) {
      if (!held.has(clips[i].voice)) continue;
      foldClips++;
      if (nearestWord(out.data, out.dim, i) === clips[i].word) foldCorrect++;
    }
    correct += foldCorrect;
    if (!json)
      console.error(
        `fold ${f + 1}/${folds}: held out ${[...held].join(' ')}: ${foldCorrect}/${foldClips} right; trained on ${train.length} clips in ${((t1 - t0) / 1000).toFixed(1)} s`,
      );
  }
  if (extraDir) rmSync(extraDir, { recursive: true, force: true });
  return {
    encoder: 'audio-cnn',
    dimension,
    accuracy: correct / clips.length,
    clipsPerSecond: (clips.length * folds) / embedSeconds,
    folds,
    epochs,
    trainDegraded: extraDegraded,
    channels: channels ?? 'default',
    trainClipsPerFold: trainClips / folds,
    trainSecondsPerFold: trainSeconds / folds,
  };
}

const voices = new Set(clips.map((c) => c.voice)).size;
const result = { clips: clips.length, voices, words: new Set(clips.map((c) => c.word)).size, rows };
if (json) console.log(JSON.stringify(result));
else {
  console.log(`leave-one-voice-out 1-NN accuracy, ${clips.length} clips, ${voices} voices, ${result.words} words`);
  const base = rows[0];
  for (const r of rows)
    console.log(
      `${r.encoder.padEnd(12)} dim ${String(r.dimension).padStart(4)}  accuracy ${r.accuracy.toFixed(3)} (×${(r.accuracy / base.accuracy).toFixed(2)} baseline)  ${r.clipsPerSecond.toFixed(0)} clips/s` +
        (r.folds
          ? `  (${r.folds} voice folds, ${r.trainClipsPerFold.toFixed(0)} training clips and ${r.trainSecondsPerFold.toFixed(0)} s of training per fold)`
          : ''),
    );
}
if (temp) rmSync(temp, { recursive: true, force: true });
