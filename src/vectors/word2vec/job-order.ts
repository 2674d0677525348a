/** First job of part p (0 <= p <= parts) when `jobs` jobs are cut into `parts` contiguous parts; the first jobs % parts parts get one more job. */
export function partStart(p: number, jobs: number, parts: number): number {
  const q = Math.floor(jobs / parts);
  return p * q + Math.min(p, jobs % parts);
}

/**
 * Which job is the n-th handed out (0 <= n < jobs) when the corpus is cut into `parts` contiguous
 * parts and successive jobs are taken from the parts in turn. Concurrent workers then train on
 * distant parts of the corpus (as word2vec.c's threads each read their own region of the file)
 * instead of neighbouring sentences, which share words and make lock-free updates collide; the
 * jobs are still pulled from one counter, so no worker idles. parts = 1 is the file order.
 */
export function interleave(n: number, jobs: number, parts: number): number {
  if (parts <= 1) return n;
  const q = Math.floor(jobs / parts); // every part has q jobs; the first r parts one more
  if (n < q * parts) return partStart(n % parts, jobs, parts) + Math.floor(n / parts);
  return partStart(n - q * parts, jobs, parts) + q;
}
