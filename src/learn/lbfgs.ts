import { AbortError } from '../errors.js';

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Most iterations. Default 200. */
  maxIter?: number;
  /** Correction pairs kept (m). Default 10. */
  memory?: number;
  /** Stop when the largest gradient component is ≤ gtol (scipy's pgtol). Default 1e-5. */
  gtol?: number;
  /** Stop when the relative decrease of f over an iteration is below ftol. Default 1e-9. */
  ftol?: number;
  signal?: AbortSignal;
  /** Called after each iteration with the iterations done and `maxIter` (for a progress display). */
  onIteration?: (iterations: number, maxIter: number) => void;
}

/** What {@link minimizeLbfgs} returns. */
export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  /** Evaluations of f. */
  evaluations: number;
  converged: boolean;
}

/**
 * Minimises a smooth function with limited-memory BFGS (Liu & Nocedal 1989; Nocedal & Wright,
 * Numerical Optimization, Alg. 7.4 two-loop recursion) and a backtracking line search on the
 * Armijo condition (c₁ = 1e-4) that also skips curvature pairs with sᵀy ≤ 0. `f(x, grad)` returns
 * f(x) and writes ∇f(x) into `grad`. Deterministic.
 */
export function minimizeLbfgs(
  f: (x: Float64Array, grad: Float64Array) => number,
  x0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const maxIter = options.maxIter ?? 200;
  const m = options.memory ?? 10;
  const gtol = options.gtol ?? 1e-5;
  const ftol = options.ftol ?? 1e-9;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let value = f(x, g);
  let evaluations = 1;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(n);
  const alpha = new Float64Array(m);
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i] * b[i];
    return s;
  };
  const infNorm = (a: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s = Math.max(s, Math.abs(a[i]));
    return s;
  };
  let iterations = 0;
  let converged = infNorm(g) <= gtol;
  const xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  while (!converged && iterations < maxIter) {
    if (options.signal?.aborted) throw new AbortError('optimisation aborted');
    // two-loop recursion: dir = −H·g
    for (let i = 0; i < n; i++) dir[i] = -g[i];
    for (let j = S.length - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(S[j], dir);
      const y = Y[j];
      for (let i = 0; i < n; i++) dir[i] -= alpha[j] * y[i];
    }
    const last = S.length - 1;
    const gamma = last >= 0 ? dot(S[last], Y[last]) / dot(Y[last], Y[last]) : 1 / Math.max(1e-12, Math.sqrt(dot(g, g)));
    for (let i = 0; i < n; i++) dir[i] *= gamma;
    for (let j = 0; j < S.length; j++) {
      const beta = rho[j] * dot(Y[j], dir);
      const s = S[j];
      for (let i = 0; i < n; i++) dir[i] += (alpha[j] - beta) * s[i];
    }
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // not a descent direction (numerical trouble): restart from steepest descent
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -g[i] / Math.max(1e-12, Math.sqrt(dot(g, g)));
      slope = dot(g, dir);
    }
    let step = 1;
    let next = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * dir[i];
      next = f(xNew, gNew);
      evaluations++;
      if (next <= value + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(next <= value)) break; // no decrease found: at the precision limit
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const decrease = (value - next) / Math.max(Math.abs(value), Math.abs(next), 1);
    x = Float64Array.from(xNew);
    [g, gNew] = [gNew, g];
    value = next;
    iterations++;
    if (infNorm(g) <= gtol || decrease <= ftol) converged = true;
    options.onIteration?.(iterations, maxIter);
  }
  return { x, value, iterations, evaluations, converged };
}
