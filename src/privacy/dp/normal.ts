// The normal distribution's tail functions, accurate far into the tails (the accountants work in
// log space with probabilities of 1e-300 and below).

const SQRT_PI = Math.sqrt(Math.PI);

/** erf(x) by its Maclaurin series (for |x| ≤ 2, where it converges fast and cancels little). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / SQRT_PI) * sum;
}

/**
 * The continued fraction x + (1/2)/(x + 1/(x + (3/2)/(x + …))) (Abramowitz & Stegun 7.1.14), so
 * that erfc(x) = exp(−x²) / (√π · fraction), evaluated by the modified Lentz method; for x ≥ 2.
 */
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = f;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return f;
}

/** log(erfc(x)), finite for every finite x (≈ −x² for large x). */
export function logErfc(x: number): number {
  if (x < 2) return Math.log(x < -2 ? 2 - Math.exp(logErfc(-x)) : 1 - erfSeries(x));
  return -x * x - Math.log(SQRT_PI * erfcFraction(x));
}

/** erfc(x), relative error ~1e-13. */
export function erfc(x: number): number {
  return Math.exp(logErfc(x));
}

/** log Φ(x), the log of the standard normal CDF. */
export function logNormalCdf(x: number): number {
  return Math.log(0.5) + logErfc(-x / Math.SQRT2);
}

/** Φ(x), the standard normal CDF. */
export function normalCdf(x: number): number {
  return Math.exp(logNormalCdf(x));
}

/** log(e^a + e^b). */
export function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** log(e^a − e^b) for a ≥ b (−Infinity when equal). */
export function logSub(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (b > a) throw new RangeError(`logSub: ${b} > ${a}`);
  if (a === b) return -Infinity;
  const d = a - b;
  return a + (d > Math.LN2 ? Math.log1p(-Math.exp(-d)) : Math.log(-Math.expm1(-d)));
}
