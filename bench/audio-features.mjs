#!/usr/bin/env node
// Audio feature speed (npm run bench:audio-features; run `npm run build` first).
//
// A 10-minute 16 kHz signal (deterministic), side by side in one run:
//   - embedkit: librosa-default log-mel (nFft 2048, hop 512, 128 Slaney bands, power_to_db),
//     MFCC (20), and the VGGish front end (400/160/512, 64 bands, log(mel + 0.01));
//   - the anchor: the same computations in vectorised numpy/scipy (Debian python3-scipy; numpy's
//     pocketfft), timed inside Python (file loading excluded).
// Prints the best of --repeat runs (default 3) per side, the ratio, and the largest difference.
// Options: --minutes N (default 10), --repeat N, --json
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const audio = await import(join(root, 'dist/audio/index.js'));
const args = process.argv.slice(2);
const get = (flag, fallback) => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const minutes = get('--minutes', 10);
const repeat = get('--repeat', 3);
const json = args.includes('--json');
const SR = 16000;

const n = Math.round(minutes * 60 * SR);
const y = new Float32Array(n);
let state = 7;
for (let i = 0; i < n; i++) {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  const t = i / SR;
  y[i] =
    0.3 * Math.sin(2 * Math.PI * 220 * t * (1 + 0.1 * Math.sin(t))) +
    0.1 * Math.sin(2 * Math.PI * 3000 * t) +
    0.02 * ((state >>> 8) / 16777216 - 0.5);
}
const dir = mkdtempSync(join(tmpdir(), 'embedkit-audio-bench-'));
const file = join(dir, 'y.f32');
writeFileSync(file, Buffer.from(y.buffer));

const PY = String.raw`
import json, sys, time
import numpy as np, scipy.fft
y = np.fromfile(sys.argv[1], dtype='<f4').astype(np.float64)
sr, repeat = 16000, int(sys.argv[2])
def frames(x, n, hop):
    count = 1 + (len(x) - n) // hop
    return np.lib.stride_tricks.as_strided(x, (count, n), (x.strides[0] * hop, x.strides[0]))
def hz_to_mel(f):
    f = np.asanyarray(f, dtype=float); lin = f / (200.0 / 3); lo = 1000.0 / (200.0 / 3)
    return np.where(f >= 1000, lo + np.log(np.maximum(f, 1e-300) / 1000) / (np.log(6.4) / 27), lin)
def mel_to_hz(m):
    lo = 1000.0 / (200.0 / 3)
    return np.where(m >= lo, 1000 * np.exp(np.log(6.4) / 27 * (m - lo)), 200.0 / 3 * m)
def mel_bank(n_fft, n_mels):
    f = np.fft.rfftfreq(n_fft, 1 / sr); m = mel_to_hz(np.linspace(hz_to_mel(0), hz_to_mel(sr / 2), n_mels + 2))
    d = np.diff(m); r = np.subtract.outer(m, f)
    w = np.maximum(0, np.minimum(-r[:-2] / d[:-1, None], r[2:] / d[1:, None]))
    return w * (2 / (m[2:] - m[:-2]))[:, None]
W = mel_bank(2048, 128).T
win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(2048) / 2048)
def logmel():
    x = np.pad(y, 1024)
    P = np.abs(np.fft.rfft(frames(x, 2048, 512) * win, axis=1)) ** 2
    d = 10 * np.log10(np.maximum(1e-10, P @ W))
    return np.maximum(d, d.max() - 80)
def mfcc():
    return scipy.fft.dct(logmel(), type=2, norm='ortho', axis=1)[:, :20]
binmel = 1127 * np.log(1 + np.linspace(0, 8000, 257) / 700)
e = np.linspace(1127 * np.log(1 + 125 / 700), 1127 * np.log(1 + 7500 / 700), 66)
V = np.stack([np.maximum(0, np.minimum((binmel - e[i]) / (e[i + 1] - e[i]), (e[i + 2] - binmel) / (e[i + 2] - e[i + 1]))) for i in range(64)], axis=1)
V[0, :] = 0
hann400 = 0.5 - 0.5 * np.cos(2 * np.pi / 400 * np.arange(400))
def vggish():
    return np.log(np.abs(np.fft.rfft(frames(y, 400, 160) * hann400, 512, axis=1)) @ V + 0.01)
out = {}
for name, fn in (('logmel', logmel), ('mfcc', mfcc), ('vggish', vggish)):
    best = 1e9
    for _ in range(repeat):
        t = time.perf_counter(); r = fn(); best = min(best, time.perf_counter() - t)
    out[name] = {'seconds': best, 'shape': list(r.shape), 'sample': r[::997, ::7].ravel().tolist()}
json.dump(out, sys.stdout)
`;

const ours = {
  logmel: () => audio.powerToDb(audio.melSpectrogram(y, SR)),
  mfcc: () => audio.mfcc(y, SR),
  vggish: () => audio.vggishLogMel(y),
};
const results = {};
for (const [name, fn] of Object.entries(ours)) {
  let best = Infinity;
  let m;
  for (let r = 0; r < repeat; r++) {
    const t = performance.now();
    m = fn();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  results[name] = { seconds: best, m };
}
const anchor = spawnSync('/usr/bin/python3', ['-c', PY, file, String(repeat)], { encoding: 'utf8', maxBuffer: 1 << 28 });
rmSync(dir, { recursive: true, force: true });
if (anchor.status !== 0) throw new Error(`numpy anchor failed: ${anchor.stderr}`);
const ref = JSON.parse(anchor.stdout);
const rows = Object.keys(ours).map((name) => {
  const { seconds, m } = results[name];
  const r = ref[name];
  // Largest absolute difference on a strided sample of the matrix (rows ::997, columns ::7).
  let diff = 0;
  let k = 0;
  for (let t = 0; t < m.rows; t += 997)
    for (let c = 0; c < m.dim; c += 7) diff = Math.max(diff, Math.abs(m.data[t * m.dim + c] - r.sample[k++]));
  return {
    features: name,
    frames: m.rows,
    bins: m.dim,
    seconds,
    numpySeconds: r.seconds,
    speedup: r.seconds / seconds,
    shapeMatches: r.shape[0] === m.rows && r.shape[1] === m.dim,
    maxAbsDiff: diff,
  };
});
if (json) console.log(JSON.stringify({ minutes, sampleRate: SR, rows }));
else {
  console.log(`${minutes}-minute ${SR} Hz signal, best of ${repeat}`);
  for (const r of rows)
    console.log(
      `${r.features.padEnd(7)} ${r.frames}×${r.bins}  embedkit ${r.seconds.toFixed(3)} s  numpy ${r.numpySeconds.toFixed(3)} s  ×${r.speedup.toFixed(2)}  max |diff| ${r.maxAbsDiff.toExponential(1)}${r.shapeMatches ? '' : '  SHAPE DIFFERS'}`,
    );
}
