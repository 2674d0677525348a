import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { foreignFiles } from '../../../fuzz/lib/foreign.js';
import { basesWithForeign, emptyStats, fuzzProperty } from '../../../fuzz/lib/property.js';
import type { FuzzTarget } from '../../../fuzz/lib/target.js';

/** Seed of the CI fuzz cases (fixed: the same cases on every run). */
export const FUZZ_SEED = 20261206;

/**
 * A test running `runs` seeded cases of `target`: each mutated file must load consistently or fail
 * with an EmbedkitError naming it. Also checks the cases reached both outcomes (so the property is not
 * vacuous: some files load, some are rejected).
 */
export function itFuzzes(target: FuzzTarget, runs: number, seed = FUZZ_SEED): void {
  it(`${target.name}: ${runs} mutated files load consistently or fail with an error naming the file`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `embedkit-fuzz-${target.name}-`));
    try {
      const bases = await basesWithForeign(target, dir, foreignFiles());
      const stats = emptyStats();
      await fc.assert(fuzzProperty(target, bases, dir, { stats }), { seed, numRuns: runs, timeout: 20_000 });
      expect(stats.loaded, 'cases that loaded').toBeGreaterThan(0);
      if (!target.neverThrows) expect(stats.rejected, 'cases that were rejected').toBeGreaterThan(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
