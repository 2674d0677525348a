/**
 * vggish-onnx / yamnet-onnx over random-weight ONNX models with the published input and output
 * tensors (test/fixtures/models/audio-onnx, made by scripts/fixtures/audio-onnx.py with Debian's
 * python3-torch): the encoders' front end + patching + pooling must give what torch computed on
 * the numpy re-typing of the published front end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOnnxAudioEncoder, yamnetPad } from '../../../src/encode/audio/onnx-audio.js';
import { loadEncoder } from '../../../src/encode/registry.js';
import { FileFormatError, UsageError } from '../../../src/errors.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/models/audio-onnx');
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as {
  vggish: { patches: number; patchEmbeddings: number[][]; mean: number[] };
  yamnet: { patches: number; mean: number[] };
};
const clip = path.join(FIXTURES, 'clip.wav');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'embedkit-onnx-audio-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function expectNear(actual: ArrayLike<number>, want: number[], tol: number): void {
  expect(actual.length).toBe(want.length);
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++) expect(Math.abs(actual[i] - want[i])).toBeLessThanOrEqual(tol * scale);
}

describe('vggish-onnx', () => {
  it('patches 0.96 s of the published log-mel and mean-pools the [N, 1, 96, 64] → [N, 128] model', async () => {
    const encoder = await loadEncoder('vggish-onnx', { path: path.join(FIXTURES, 'vggish.onnx'), threads: 1 });
    expect(encoder.dimension).toBe(128);
    const out = await encoder.embed([clip, path.join(tmp, 'missing.wav')], { normalize: false });
    expect(out.errors.map((e) => e.index)).toEqual([1]);
    expectNear(out.data.subarray(0, 128), expected.vggish.mean, 1e-3);
    await encoder.dispose?.();
  });

  it('applies the published PCA postprocessing, optionally quantised', async () => {
    const dim = 128;
    const eig = Array.from({ length: dim }, (_, i) => Array.from({ length: dim }, (_, j) => (i === j ? 2 : 0)));
    const pcaFile = path.join(tmp, 'pca.json');
    fs.writeFileSync(pcaFile, JSON.stringify({ pca_eigen_vectors: eig, pca_means: Array.from({ length: dim }, () => [0.1]) }));
    const model = path.join(FIXTURES, 'vggish.onnx');
    const pca = await loadOnnxAudioEncoder('vggish', { path: model, pcaParams: pcaFile, threads: 1 });
    const a = await pca.embed([clip], { normalize: false });
    expectNear(
      a.data,
      expected.vggish.mean.map((v) => 2 * (v - 0.1)),
      1e-3,
    );
    const q = await loadOnnxAudioEncoder('vggish', { path: model, pcaParams: pcaFile, quantize: true, threads: 1 });
    const b = await q.embed([clip], { normalize: false });
    const clipped = expected.vggish.mean.map((_, d) => {
      let s = 0;
      for (const p of expected.vggish.patchEmbeddings) s += Math.min(2, Math.max(-2, 2 * (p[d] - 0.1)));
      return s / expected.vggish.patches;
    });
    for (let d = 0; d < dim; d++) expect(Math.abs(b.data[d] - clipped[d])).toBeLessThanOrEqual(2 / 255 + 1e-3);
    await pca.dispose();
    await q.dispose();
  });
});

describe('yamnet-onnx', () => {
  it("pads as YAMNet does, hops 0.48 s, and pools the 'embeddings' output [N, 1024]", async () => {
    expect(yamnetPad(new Float32Array(100)).length).toBe(15600);
    expect(yamnetPad(new Float32Array(15600 + 1)).length).toBe(15600 + 7680);
    const encoder = await loadEncoder('yamnet-onnx', { path: path.join(FIXTURES, 'yamnet.onnx'), threads: 1 });
    expect(encoder.dimension).toBe(1024);
    const out = await encoder.embed([clip], { normalize: false });
    expect(out.errors).toEqual([]);
    expectNear(out.data, expected.yamnet.mean, 1e-3);
    await encoder.dispose?.();
  });

  it('rejects models of other shapes and bad options with clear errors', async () => {
    const notOnnx = path.join(tmp, 'bad.onnx');
    fs.writeFileSync(notOnnx, 'not a model');
    await expect(loadOnnxAudioEncoder('yamnet', { path: notOnnx })).rejects.toThrow(FileFormatError);
    await expect(loadOnnxAudioEncoder('yamnet', { path: path.join(FIXTURES, '../tiny-cnn/model.onnx') })).rejects.toThrow(
      /log-mel patches/,
    );
    await expect(loadOnnxAudioEncoder('yamnet', { path: path.join(FIXTURES, 'yamnet.onnx'), quantize: true })).rejects.toThrow(UsageError);
    await expect(loadEncoder('vggish-onnx', {})).rejects.toThrow(/needs the option `path`/);
  });
});
