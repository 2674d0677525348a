import fsp from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { Random } from '../../../src/learn/random.js';

/** Shapes drawn by {@link writeShapeSet}: label → "is pixel (x, y) inside" for a centre and radius. */
const SHAPES: Record<string, (x: number, y: number, r: number) => boolean> = {
  disc: (x, y, r) => x * x + y * y <= r * r,
  square: (x, y, r) => Math.abs(x) <= r * 0.8 && Math.abs(y) <= r * 0.8,
  cross: (x, y, r) => (Math.abs(x) <= r * 0.25 || Math.abs(y) <= r * 0.25) && Math.abs(x) <= r && Math.abs(y) <= r,
  ring: (x, y, r) => x * x + y * y <= r * r && x * x + y * y >= (0.6 * r) ** 2,
};

/** Variations of {@link writeShapeSet}. */
export interface ShapeSetOptions {
  /** Largest shift of the centre, in pixels. Default 8. */
  jitter?: number;
  /** Dark shape on a light background (instead of random colours). Default false. */
  darkOnLight?: boolean;
}

/**
 * Writes `dir/<shape>/<n>.png`: 32×32 images of a shape at a random place, size and colour on a
 * noisy background of another random colour. Deterministic for a seed.
 */
export async function writeShapeSet(
  dir: string,
  perClass: number,
  seed = 1,
  labels = Object.keys(SHAPES),
  options: ShapeSetOptions = {},
): Promise<void> {
  const jitter = options.jitter ?? 8;
  const rng = new Random(seed);
  const size = 32;
  for (const label of labels) {
    await fsp.mkdir(path.join(dir, label), { recursive: true });
    for (let n = 0; n < perClass; n++) {
      let fg = [rng.int(256), rng.int(256), rng.int(256)];
      let bg = fg.map((v) => (v + 96 + rng.int(64)) % 256);
      if (options.darkOnLight) [fg, bg] = [fg.map((v) => v >> 2), bg.map((v) => 192 + (v >> 2))];
      const r = 7 + rng.uniform() * 5;
      const cx = 16 + (rng.uniform() - 0.5) * jitter;
      const cy = 16 + (rng.uniform() - 0.5) * jitter;
      const px = new Uint8Array(size * size * 3);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const inside = SHAPES[label](x - cx, y - cy, r);
          for (let c = 0; c < 3; c++)
            px[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, (inside ? fg[c] : bg[c]) + Math.round(rng.gaussian() * 12)));
        }
      }
      await sharp(Buffer.from(px), { raw: { width: size, height: size, channels: 3 } })
        .png()
        .toFile(path.join(dir, label, `${String(n).padStart(3, '0')}.png`));
    }
  }
}
