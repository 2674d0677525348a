#!/usr/bin/env node
// Near-duplicate image search with and without test-time augmentation and with the feature-map
// poolings (npm run bench:images-near-duplicates; run `npm run build` first). For each `tta` setting
// (default: none, flip, crops, flip-crops) × each `pooling` (default: average) of mobilenet-v2, in one run:
//
// A. The labelled set of scripts/make-image-set.sh (123 images: 25 photos × 3 versions — whole,
//    centre crop 70 %, rotated 12° + mirrored — plus 48 rendered letters). Query: every photo version;
//    candidates: all other 122 images. "Edited copy first" = the nearest image (cosine) is another
//    version of the same photo. Also the leave-one-out class P@1 of bench:images.
// B. Debian photos with edits made here with sharp: every JPEG/PNG of opencv-doc's examples/data and
//    skimage's data of at least 128 px on the short side (distinct files; --originals N of them,
//    evenly spread, default all), each edited 6 ways: centre crop 70 %, rotated 12° + mirrored + crop
//    80 %, downscaled to 40 % and saved as JPEG quality 30, colours changed (brightness ×1.25,
//    saturation ×0.5), top-left crop 75 %, and a 12 % white border with a caption. Query: every edited
//    copy; candidates: the originals. Hit = the nearest original is the one it was made from.
//    --split test (default): the --originals N photos picked evenly; --split tune: all the other
//    distinct photos (disjoint from the test photos), where settings such as GeM's p are chosen.
//
// Times are wall seconds per image on this machine (shared: rough).
// Options: --tta a,b,c  --pooling average,gem,rmac,max,gem:4 (gem:P = GeM with exponent P)
//          --set DIR (labelled set; built in a temp dir when absent)  --originals N  --split test|tune
//          --whiten D (B only: also each setting's vectors PCA-whitened to D dims, the PCA fitted on
//          the vectors of the other split's photos and their edited copies)
//          --threads N  --skip-edits  --skip-set  --json
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => join(root, 'dist', p);
if (!existsSync(dist('encode/image/index.js'))) {
  console.error('run `npm run build` first');
  process.exit(1);
}
const image = await import(dist('encode/image/index.js'));
const projectLib = await import(dist('project/index.js'));
const sharp = (await import('sharp')).default;

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const flag = (name) => args.includes(`--${name}`);
const threads = Number(arg('threads', availableParallelism()));
const ttas = arg('tta', 'none,flip,crops,flip-crops').split(',');
const poolings = arg('pooling', 'average').split(',');
const split = arg('split', 'test');
const whiten = Number(arg('whiten', 0));
if (!['test', 'tune'].includes(split)) throw new Error('--split must be test or tune');
/** `gem:4` → { type: 'gem', p: 4 }; other names as they are. */
const poolingOption = (name) => (name.startsWith('gem:') ? { type: 'gem', p: Number(name.slice(4)) } : name);
/** Every (tta, pooling) setting of the run, labelled `tta` or `tta+pooling`. */
const settings = ttas.flatMap((tta) =>
  poolings.map((pooling) => ({ tta, pooling, label: pooling === 'average' ? tta : `${tta}+${pooling}` })),
);
const maxOriginals = Number(arg('originals', 0));
const log = (...a) => flag('json') || console.log(...a);
const temp = mkdtempSync(join(tmpdir(), 'embedkit-neardup-'));

/** Index of the row of `data` (unit rows) most similar to row q among `candidates` (not q). */
function nearest(data, dim, q, candidates) {
  let best = -1;
  let bestScore = -Infinity;
  for (const c of candidates) {
    if (c === q) continue;
    let s = 0;
    for (let d = 0; d < dim; d++) s += data[q * dim + d] * data[c * dim + d];
    if (s > bestScore) {
      bestScore = s;
      best = c;
    }
  }
  return best;
}

async function embedAll(files, { tta, pooling }) {
  const encoder = await image.loadTfjsImageEncoder('mobilenet-v2', { threads, tta, pooling: poolingOption(pooling) });
  await encoder.embed(files.slice(0, 2)); // warm-up
  const t0 = performance.now();
  const out = await encoder.embed(files);
  const seconds = (performance.now() - t0) / 1000;
  const load = loadavg()[0];
  await encoder.dispose();
  if (out.errors.length) throw new Error(`embedding failed: ${out.errors[0].message}`);
  return { data: out.data, dim: out.dim, msPerImage: (1000 * seconds) / files.length, load };
}

async function labelledSet() {
  let setDir = arg('set');
  if (!setDir) {
    setDir = join(temp, 'set');
    execFileSync('sh', [join(root, 'scripts/make-image-set.sh'), setDir, 'full'], { stdio: flag('json') ? 'ignore' : 'inherit' });
  }
  const set = await image.listLabelledImages(setDir);
  const photos = set.files.map((_, i) => i).filter((i) => !set.labels[i].startsWith('glyph-'));
  const all = set.files.map((_, i) => i);
  const rows = {};
  for (const setting of settings) {
    const e = await embedAll(set.files, setting);
    let hits = 0;
    for (const q of photos) if (set.sources[nearest(e.data, e.dim, q, all)] === set.sources[q]) hits++;
    const p1 = image.precisionAt1(e.data, e.dim, set.labels).precision;
    rows[setting.label] = { editedCopyFirst: hits / photos.length, hits, queries: photos.length, classP1: p1, msPerImage: e.msPerImage };
    log(
      `  A ${setting.label.padEnd(16)} edited copy first ${hits}/${photos.length} = ${(hits / photos.length).toFixed(3)}  class P@1 ${p1.toFixed(3)}  ${e.msPerImage.toFixed(0)} ms/image`,
    );
  }
  return { images: set.files.length, rows };
}

const EDITS = {
  crop70: (img, w, h) =>
    img.extract({ left: Math.round(w * 0.15), top: Math.round(h * 0.15), width: Math.round(w * 0.7), height: Math.round(h * 0.7) }),
  'rot-mirror': async (img) => {
    const rotated = await img.rotate(12, { background: { r: 128, g: 128, b: 128 } }).toBuffer({ resolveWithObject: true });
    const { width: rw, height: rh } = rotated.info;
    return sharp(rotated.data)
      .extract({ left: Math.round(rw * 0.1), top: Math.round(rh * 0.1), width: Math.round(rw * 0.8), height: Math.round(rh * 0.8) })
      .flop();
  },
  'small-jpeg': (img, w) => img.resize(Math.max(32, Math.round(w * 0.4))).jpeg({ quality: 30 }),
  colour: (img) => img.modulate({ brightness: 1.25, saturation: 0.5 }),
  'corner-crop': (img, w, h) => img.extract({ left: 0, top: 0, width: Math.round(w * 0.75), height: Math.round(h * 0.75) }),
  'border-caption': async (img, w, h) => {
    const pad = Math.round(Math.min(w, h) * 0.12);
    const framed = await img.extend({ top: pad, bottom: pad, left: pad, right: pad, background: '#ffffff' }).png().toBuffer();
    const svg = `<svg width="${w + 2 * pad}" height="${h + 2 * pad}"><text x="${pad}" y="${h + pad + Math.round(pad * 0.75)}" font-size="${Math.round(pad * 0.6)}" font-family="DejaVu Sans" fill="#202020">holiday 2026 — shared</text></svg>`;
    return sharp(framed).composite([{ input: Buffer.from(svg), top: 0, left: 0 }]);
  },
};

async function editedSet() {
  const dirs = ['/usr/share/doc/opencv-doc/examples/data', '/usr/lib/python3/dist-packages/skimage/data'];
  for (const d of dirs) if (!existsSync(d)) throw new Error(`${d} missing: apt-get install -y opencv-doc python3-skimage`);
  const seen = new Set();
  const originals = [];
  for (const d of dirs)
    for (const f of readdirSync(d).sort()) {
      if (!/\.(jpe?g|png)$/i.test(f)) continue;
      const file = join(d, f);
      const bytes = readFileSync(file);
      const hash = createHash('sha1').update(bytes).digest('hex');
      if (seen.has(hash)) continue;
      const meta = await sharp(bytes)
        .metadata()
        .catch(() => undefined);
      if (!meta || Math.min(meta.width, meta.height) < 128) continue;
      seen.add(hash);
      originals.push(file);
    }
  const step = maxOriginals > 0 ? Math.max(1, originals.length / maxOriginals) : 1;
  const testPhotos = [];
  for (let i = 0; Math.floor(i * step) < originals.length && (maxOriginals === 0 || testPhotos.length < maxOriginals); i++)
    testPhotos.push(originals[Math.floor(i * step)]);
  const tunePhotos = originals.filter((f) => !testPhotos.includes(f));
  const picked = split === 'test' ? testPhotos : tunePhotos;
  if (picked.length === 0 || (whiten > 0 && split === 'test' && tunePhotos.length === 0))
    throw new Error('no photos outside the test split: pass --originals N');
  const { copies, files } = await editedCopies(picked, 'edits');
  log(`B (${split} split): ${picked.length} Debian photos (of ${originals.length} distinct), ${copies.length} edited copies`);
  // Whitening is learned on photos disjoint from the evaluated ones: the tune photos and their copies.
  const learning = whiten > 0 ? await editedCopies(split === 'test' ? tunePhotos : testPhotos, 'learn') : undefined;
  if (learning) log(`   whitening (${whiten} dims) learned on ${learning.files.length} other images`);
  const originalRows = picked.map((_, i) => i);
  const rows = {};
  for (const setting of settings) {
    const e = await embedAll(files, setting);
    const variants = [{ label: setting.label, data: e.data, dim: e.dim }];
    if (learning) {
      const l = await embedAll(learning.files, setting);
      const pca = await new projectLib.PCA({ dims: whiten, seed: 0, threads: 1 }).fit(l.data, learning.files.length, l.dim);
      variants.push({ label: `${setting.label}+whiten${whiten}`, data: whitened(pca, e.data, files.length, e.dim), dim: whiten });
    }
    for (const v of variants) {
      const perEdit = {};
      let hits = 0;
      copies.forEach((c, i) => {
        const hit = nearest(v.data, v.dim, picked.length + i, originalRows) === c.original;
        hits += hit ? 1 : 0;
        perEdit[c.edit] = (perEdit[c.edit] ?? 0) + (hit ? 1 : 0);
      });
      for (const k of Object.keys(perEdit)) perEdit[k] /= picked.length;
      rows[v.label] = {
        originalFirst: hits / copies.length,
        hits,
        queries: copies.length,
        perEdit,
        msPerImage: e.msPerImage,
        load: e.load,
      };
      log(
        `  B ${v.label.padEnd(16)} original first ${hits}/${copies.length} = ${(hits / copies.length).toFixed(3)}  (${Object.entries(
          perEdit,
        )
          .map(([k, val]) => `${k} ${val.toFixed(2)}`)
          .join(', ')})  ${e.msPerImage.toFixed(0)} ms/image (load average ${e.load.toFixed(1)})`,
      );
    }
  }
  return { split, originals: picked.length, copies: copies.length, whiten, rows };
}

/** PCA-whitening (Jégou & Chum 2012): coordinates on the components / √variance, then unit length. */
function whitened(pca, data, n, dim) {
  const y = pca.transform(data, n, dim);
  const k = pca.dims;
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let d = 0; d < k; d++) {
      y[i * k + d] /= Math.sqrt(pca.explainedVariance[d]);
      norm += y[i * k + d] ** 2;
    }
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < k; d++) y[i * k + d] /= norm;
  }
  return y;
}

/** The 6 edited copies of every photo, written under temp/<sub>; files = photos, then copies. */
async function editedCopies(picked, sub) {
  const dir = join(temp, sub);
  mkdirSync(dir, { recursive: true });
  const copies = [];
  for (let o = 0; o < picked.length; o++) {
    const flat = await sharp(picked[o])
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .png()
      .toBuffer({ resolveWithObject: true });
    const { width: w, height: h } = flat.info;
    for (const [name, edit] of Object.entries(EDITS)) {
      const out = await edit(sharp(flat.data), w, h);
      const ext = name === 'small-jpeg' ? 'jpg' : 'png';
      const file = join(dir, `${o}-${name}.${ext}`);
      writeFileSync(file, await (ext === 'png' ? out.png() : out).toBuffer());
      copies.push({ file, original: o, edit: name });
    }
  }
  return { copies, files: [...picked, ...copies.map((c) => c.file)] };
}

const report = { threads, cores: availableParallelism(), ttas, poolings };
try {
  if (!flag('skip-set')) {
    log(`A: labelled set (scripts/make-image-set.sh full), mobilenet-v2, ${threads} threads`);
    report.labelledSet = await labelledSet();
  }
  if (!flag('skip-edits')) report.edited = await editedSet();
} finally {
  rmSync(temp, { recursive: true, force: true });
}
if (flag('json')) console.log(JSON.stringify(report, null, 2));
