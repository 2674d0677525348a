import { mulberry32 } from '../math/random.js';

/** Standard normal draws from a seeded uniform generator (Box–Muller). */
export function gaussian(seed: number): () => number {
  const u = mulberry32(seed);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const t = 2 * Math.PI * u();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}

/**
 * Orthonormalises the columns of `a` (rows × cols, row-major, float64) in place by modified
 * Gram–Schmidt, twice ("twice is enough", Giraud et al. 2005). A column that vanishes (the data has
 * lower rank) is replaced by a random direction orthogonal to the others.
 */
export function orthonormalizeColumns(a: Float64Array, rows: number, cols: number, normal: () => number): void {
  for (let c = 0; c < cols; c++) {
    let scale = 0;
    for (let r = 0; r < rows; r++) scale += a[r * cols + c] ** 2;
    for (let attempt = 0; attempt < 4; attempt++) {
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < c; p++) {
          let dot = 0;
          for (let r = 0; r < rows; r++) dot += a[r * cols + p] * a[r * cols + c];
          for (let r = 0; r < rows; r++) a[r * cols + c] -= dot * a[r * cols + p];
        }
      }
      let norm = 0;
      for (let r = 0; r < rows; r++) norm += a[r * cols + c] ** 2;
      if (norm > 1e-20 * Math.max(scale, 1e-300) && norm > 0) {
        const inv = 1 / Math.sqrt(norm);
        for (let r = 0; r < rows; r++) a[r * cols + c] *= inv;
        break;
      }
      for (let r = 0; r < rows; r++) a[r * cols + c] = normal();
      scale = rows;
    }
  }
}
