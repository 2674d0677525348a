// Child process of missing-packages.test.ts, run with test/helpers/hide-packages.mjs preloaded:
// calls each public entry point named on the command line (through the built package, by name)
// and prints one JSON line per call: what it threw, or that it did not throw.
import { join } from 'node:path';
import * as root from 'embedkit';
import * as encode from 'embedkit/encode';
import * as plot from 'embedkit/plot';
import * as jobs from 'embedkit/jobs';

const FIXTURES = join(process.cwd(), 'test/fixtures');
const models = (p) => join(FIXTURES, 'models', p);

/** Entry points that load an optional package, by name. */
const CALLS = {
  loadTfjsImageEncoder: () => encode.loadTfjsImageEncoder('mobilenet-v2'),
  loadFaceEncoder: () => encode.loadFaceEncoder(),
  loadOnnxImageEncoder: () => encode.loadOnnxImageEncoder({ path: models('tiny-cnn/model.onnx') }),
  loadPixelEncoder: () => encode.loadPixelEncoder(),
  loadTransformerEncoder: () => encode.loadTransformerEncoder({ path: models('tiny-bert') }),
  loadGlove100: () => encode.loadGlove100(),
  loadClipTextEncoder: () => encode.loadClipTextEncoder(models('tiny-clip')),
  loadClipImageEncoder: () => encode.loadClipImageEncoder(models('tiny-clip')),
  loadClip: () => encode.loadClip(models('tiny-clip')),
  decodeImage: () => encode.decodeImage(join(FIXTURES, 'images/cat.png')),
  // port 1: nothing listens there; the packages load (and fail) before any connection
  clusterStatus: () => jobs.clusterStatus('redis://127.0.0.1:1'),
  svgToPng: () => plot.svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'),
  trainImageEncoder: () => encode.trainImageEncoder(join(FIXTURES, 'images/set')),
  'trainImageEncoder(raw-pixels)': () => encode.trainImageEncoder(join(FIXTURES, 'images/set'), { backbone: 'raw-pixels' }),
  'loadAudioClip(mp3)': () => encode.loadAudioClip(join(FIXTURES, 'audio/tone.mp3'), 16000, 10),
  'tagPartsOfSpeech(en)': () => root.tagPartsOfSpeech('The cat sat.', { lang: 'en' }),
  'tagPartsOfSpeech(zh)': () => root.tagPartsOfSpeech('我是北京大学的研究生', { lang: 'zh' }),
  'tagPartsOfSpeech(auto,zh)': () => root.tagPartsOfSpeech('2024年，我是北京大学的研究生。'),
  'Tokenizer(segmenter:jieba)': () => new root.Tokenizer({ segmenter: 'jieba' }).tokenize('我是北京大学的研究生'),
  'Tokenizer(lemma,en)': () => new root.Tokenizer({ lemma: true, posLanguage: 'en' }),
  'Tokenizer(keepPos,zh)': () => new root.Tokenizer({ keepPos: ['NOUN'], posLanguage: 'zh' }),
  'Tokenizer(lemma).tokenize(en)': () => new root.Tokenizer({ lemma: true }).tokenize('The cats were here'),
  'Tokenizer(default).tokenize': () => new root.Tokenizer().tokenize('The cats were here 我是北京大学的研究生'),
};

for (const name of process.argv.slice(2)) {
  const [kind, arg] = name.split(':');
  const call = kind === 'loadEncoder' ? () => root.loadEncoder(arg) : kind === 'listEncoders' ? null : CALLS[name];
  if (kind === 'listEncoders') {
    const info = root.listEncoders().find((e) => e.name === arg);
    console.log(JSON.stringify({ name, listed: info ? { available: info.available, missing: info.missing, reason: info.reason } : null }));
    continue;
  }
  if (!call) throw new Error(`no call named ${name}`);
  try {
    const encoder = await call();
    await encoder?.dispose?.();
    console.log(JSON.stringify({ name, threw: false }));
  } catch (error) {
    console.log(
      JSON.stringify({
        name,
        threw: true,
        missingPackageError: error instanceof root.MissingPackageError,
        message: error.message,
        packages: error.packages,
        installCommand: error.installCommand,
      }),
    );
  }
}
