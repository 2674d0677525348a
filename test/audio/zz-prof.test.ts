import { it } from 'vitest';
import { kernelSpectra } from '../../src/audio/kernel-spectrum.js';
import { makeWindow } from '../../src/audio/window.js';
import { RealFft } from '../../src/audio/fft.js';
it('prof', () => {
  const n = 16000 * 600;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.sin(i * 0.01) + 0.01 * ((i * 7919) % 13);
  const w = makeWindow('hann', 2048);
  const count = Math.floor((n - 2048) / 512) + 1;
  for (let r = 0; r < 3; r++) {
    let t = performance.now();
    kernelSpectra(y, 0, count, 512, 2048, w, 2, () => {});
    const a = performance.now() - t;
    t = performance.now();
    const fft = new RealFft(2048);
    const re = new Float64Array(1025),
      im = new Float64Array(1025),
      fr = new Float64Array(2048);
    for (let f = 0; f < count; f++) {
      for (let i = 0; i < 2048; i++) fr[i] = y[f * 512 + i] * w[i];
      fft.forward(fr, re, im);
    }
    console.log('kernel', a.toFixed(0), 'js', (performance.now() - t).toFixed(0), 'frames', count);
  }
});
