/**
 * UMAP's a and b: the curve 1 / (1 + a·x^(2b)) fitted by least squares to the membership target
 * 1 for x < minDist, exp(−(x − minDist) / spread) beyond, on 300 points of [0, 3·spread] (umap-learn's
 * find_ab_params, there with scipy's curve_fit; here Levenberg–Marquardt, Marquardt 1963).
 */
export function fitAB(minDist: number, spread: number): { a: number; b: number } {
  const m = 300;
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    xs[i] = (3 * spread * i) / (m - 1);
    ys[i] = xs[i] < minDist ? 1 : Math.exp(-(xs[i] - minDist) / spread);
  }
  const cost = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < m; i++) s += (1 / (1 + a * xs[i] ** (2 * b)) - ys[i]) ** 2;
    return s;
  };
  let a = 1;
  let b = 1;
  let lambda = 1e-3;
  let current = cost(a, b);
  for (let iter = 0; iter < 500; iter++) {
    // normal equations JᵀJ·δ = −Jᵀr of the 2 parameters
    let jaa = 0;
    let jab = 0;
    let jbb = 0;
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < m; i++) {
      const x = xs[i];
      if (x === 0) continue;
      const p = x ** (2 * b);
      const den = 1 + a * p;
      const r = 1 / den - ys[i];
      const da = -p / (den * den);
      const db = (-a * p * 2 * Math.log(x)) / (den * den);
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    const haa = jaa * (1 + lambda);
    const hbb = jbb * (1 + lambda);
    const det = haa * hbb - jab * jab;
    if (!(Math.abs(det) > 0)) break;
    const sa = -(hbb * ga - jab * gb) / det;
    const sb = -(haa * gb - jab * ga) / det;
    const next = cost(a + sa, b + sb);
    if (next < current) {
      a += sa;
      b += sb;
      const gain = current - next;
      current = next;
      lambda = Math.max(lambda / 10, 1e-12);
      if (gain < 1e-15 * Math.max(current, 1e-30)) break;
    } else {
      lambda *= 10;
      if (lambda > 1e12) break;
    }
  }
  return { a, b };
}
