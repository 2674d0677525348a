#!/usr/bin/env node
// Builds the labelled spoken-word clip set of the audio quality bench and tests, reproducibly:
// words spoken by Debian espeak-ng across voice variants and speeds, plus copies degraded with sox
// (noise, pitch shift, reverb, band-pass, tempo). Layout: DIR/<word>/<voice>__<version>.wav
// (16 kHz mono 16-bit). The "voice" part of the name is what leave-one-voice-out holds out.
//
//   node scripts/make-audio-set.mjs DIR [--voices N] [--words a,b,c] [--degraded N]
// Defaults: 12 voices, the ten digits, 2 degraded copies per clean clip (360 clips).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
/** espeak-ng English voice variants (male, female, others), in a fixed order. */
export const VARIANTS = [
  'm1',
  'f1',
  'm2',
  'f2',
  'm3',
  'f3',
  'm4',
  'f4',
  'm5',
  'croak',
  'm6',
  'klatt',
  'm7',
  'f5',
  'whisperf',
  'klatt2',
  'klatt3',
  'steph',
  'Andy',
  'edward',
];
const SPEEDS = [130, 160, 190];
const PITCHES = [35, 50, 65];
/** sox effect chains; the noise one is mixed in separately. */
const DEGRADATIONS = [
  ['pitch', '250'],
  ['pitch', '-250'],
  ['reverb', '60'],
  ['sinc', '300-3400'],
  ['tempo', '1.2'],
  ['tempo', '0.85'],
  ['noise'],
];

/** Builds the set in `dir`; returns [{ path, word, voice }]. Deterministic (seeded choices, sox -R). */
export function makeAudioSet(dir, { voices = 12, words = DIGITS, degraded = 2 } = {}) {
  const clips = [];
  let seed = 12345;
  const next = (n) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (const word of words) mkdirSync(join(dir, word), { recursive: true });
  for (let v = 0; v < voices; v++) {
    const voice = `v${String(v).padStart(2, '0')}-${VARIANTS[v % VARIANTS.length]}`;
    for (const word of words) {
      const clean = join(dir, word, `${voice}__clean.wav`);
      const raw = `${clean}.raw.wav`;
      const speed = SPEEDS[next(SPEEDS.length)];
      const pitch = PITCHES[next(PITCHES.length)];
      execFileSync('espeak-ng', ['-v', `en+${VARIANTS[v % VARIANTS.length]}`, '-s', String(speed), '-p', String(pitch), '-w', raw, word]);
      execFileSync('sox', ['-R', raw, '-r', '16000', '-c', '1', '-b', '16', clean]);
      execFileSync('rm', ['-f', raw]);
      clips.push({ path: clean, word, voice });
      for (let d = 0; d < degraded; d++) {
        const effect = DEGRADATIONS[next(DEGRADATIONS.length)];
        const out = join(dir, word, `${voice}__${d}-${effect.join('')}.wav`);
        if (effect[0] === 'noise') {
          const noise = `${out}.noise.wav`;
          execFileSync('sox', ['-R', clean, noise, 'synth', 'whitenoise', 'vol', '0.03']);
          execFileSync('sox', ['-R', '-m', clean, noise, out]);
          execFileSync('rm', ['-f', noise]);
        } else {
          execFileSync('sox', ['-R', clean, '-r', '16000', '-b', '16', out, ...effect, 'rate', '16000']);
        }
        clips.push({ path: out, word, voice });
      }
    }
  }
  return clips;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const dir = args[0];
  if (!dir) {
    console.error('usage: node scripts/make-audio-set.mjs DIR [--voices N] [--words a,b,c] [--degraded N]');
    process.exit(2);
  }
  const get = (flag) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const clips = makeAudioSet(dir, {
    voices: Number(get('--voices') ?? 12),
    words: get('--words')?.split(',') ?? DIGITS,
    degraded: Number(get('--degraded') ?? 2),
  });
  console.log(`${clips.length} clips in ${dir}`);
}
