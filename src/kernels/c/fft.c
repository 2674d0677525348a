// Short-time spectra for the audio features (src/audio/kernel-spectrum.ts lays out the memory):
// frames of a float32 signal, windowed, real FFT of a power-of-two length n through one complex
// radix-2 FFT of n/2 points (even/odd samples packed as re/im), then |X| or |X|² per bin.
// Split re/im arrays so that every stage with four or more butterflies per group runs in f32x4.
// Twiddles are computed in float64 by TypeScript and rounded once.
#include <stdint.h>
#include <wasm_simd128.h>

// One complex FFT of m points, in place on (zr, zi), the input already in bit-reversed order.
// Stage twiddles: for a butterfly group of half-size h, tw_re/tw_im[h - 1 + k] = e^{-iπk/h}.
static void fft_stages(float* zr, float* zi, int m, const float* tw_re, const float* tw_im) {
  // h = 1: no twiddles.
  for (int i = 0; i < m; i += 2) {
    const float ar = zr[i], ai = zi[i], br = zr[i + 1], bi = zi[i + 1];
    zr[i] = ar + br;
    zi[i] = ai + bi;
    zr[i + 1] = ar - br;
    zi[i + 1] = ai - bi;
  }
  // h = 2: twiddles 1 and -i.
  if (m >= 4) {
    for (int i = 0; i < m; i += 4) {
      float ar = zr[i], ai = zi[i], br = zr[i + 2], bi = zi[i + 2];
      zr[i] = ar + br;
      zi[i] = ai + bi;
      zr[i + 2] = ar - br;
      zi[i + 2] = ai - bi;
      ar = zr[i + 1];
      ai = zi[i + 1];
      // (br + i bi)·(−i) = bi − i br
      br = zi[i + 3];
      bi = -zr[i + 3];
      zr[i + 1] = ar + br;
      zi[i + 1] = ai + bi;
      zr[i + 3] = ar - br;
      zi[i + 3] = ai - bi;
    }
  }
  for (int h = 4; h < m; h <<= 1) {
    const float* wr = tw_re + h - 1;
    const float* wi = tw_im + h - 1;
    for (int start = 0; start < m; start += 2 * h) {
      float* ar = zr + start;
      float* ai = zi + start;
      float* br = ar + h;
      float* bi = ai + h;
      for (int k = 0; k < h; k += 4) {
        const v128_t cr = wasm_v128_load(wr + k), ci = wasm_v128_load(wi + k);
        const v128_t xr = wasm_v128_load(br + k), xi = wasm_v128_load(bi + k);
        const v128_t tr = wasm_f32x4_sub(wasm_f32x4_mul(xr, cr), wasm_f32x4_mul(xi, ci));
        const v128_t ti = wasm_f32x4_add(wasm_f32x4_mul(xr, ci), wasm_f32x4_mul(xi, cr));
        const v128_t yr = wasm_v128_load(ar + k), yi = wasm_v128_load(ai + k);
        wasm_v128_store(br + k, wasm_f32x4_sub(yr, tr));
        wasm_v128_store(bi + k, wasm_f32x4_sub(yi, ti));
        wasm_v128_store(ar + k, wasm_f32x4_add(yr, tr));
        wasm_v128_store(ai + k, wasm_f32x4_add(yi, ti));
      }
    }
  }
}

// `count` frames starting at signal[0], signal[hop], …: each frame_len samples times window, zero
// padded to n (a power of two ≥ 8), real FFT, then out[f·(n/2+1) + k] = |X_k|^power (power 1 or 2).
// rev: bit reversal of m = n/2 indices; pk_c/pk_s[k] = cos/sin(2πk/n) for k ≤ m; zr/zi scratch of m.
__attribute__((export_name("stft_power"))) void stft_power(const float* signal, int count, int hop, int frame_len, int n, const float* window, const uint32_t* rev,
                const float* tw_re, const float* tw_im, const float* pk_c, const float* pk_s, float* zr, float* zi, float* out,
                int power) {
  const int m = n >> 1;
  const int bins = m + 1;
  for (int f = 0; f < count; f++) {
    const float* x = signal + (long)f * hop;
    for (int k = 0; k < m; k++) {
      const int a = 2 * k, b = 2 * k + 1;
      const uint32_t r = rev[k];
      zr[r] = a < frame_len ? x[a] * window[a] : 0.f;
      zi[r] = b < frame_len ? x[b] * window[b] : 0.f;
    }
    fft_stages(zr, zi, m, tw_re, tw_im);
    float* o = out + (long)f * bins;
    // X[k] = E[k] + e^{-2πik/n} O[k], with E = (Z[k] + conj Z[m−k]) / 2, O = (Z[k] − conj Z[m−k]) / 2i.
    const float dc = zr[0] + zi[0], ny = zr[0] - zi[0];
    o[0] = power == 2 ? dc * dc : __builtin_fabsf(dc);
    o[m] = power == 2 ? ny * ny : __builtin_fabsf(ny);
    for (int k = 1; k < m; k++) {
      const float ar = zr[k], ai = zi[k], br = zr[m - k], bi = -zi[m - k];
      const float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
      const float or_ = 0.5f * (ai - bi), oi = -0.5f * (ar - br);
      const float c = pk_c[k], s = pk_s[k];
      const float re = er + c * or_ + s * oi;
      const float im = ei + c * oi - s * or_;
      const float p = re * re + im * im;
      o[k] = power == 2 ? p : __builtin_sqrtf(p);
    }
  }
}
