import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { prepareTarget } from './lib/campaign-chunk.js';
import { FuzzFailure, fuzzProperty } from './lib/property.js';
import { TARGETS } from './targets/index.js';

/**
 * Re-runs the case `TARGET:SEED:PATH` of a campaign (PATH: fast-check's counterexample path; its first
 * number is the case's index in the chunk) in this thread and prints the outcome. Returns the exit code.
 */
export async function replay(spec: string): Promise<number> {
  const [name, seedText, ...pathParts] = spec.split(':');
  const seed = Number(seedText);
  if (!(name in TARGETS) || !Number.isSafeInteger(seed) || pathParts.length === 0) {
    console.error(`fuzz: --replay expects TARGET:SEED:PATH (e.g. ekv:123:17), got ${spec}`);
    return 2;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedkit-fuzz-replay-'));
  try {
    const prepared = await prepareTarget(TARGETS[name](), dir);
    const details = await fc.check(fuzzProperty(prepared.target, prepared.bases, dir), { seed, path: pathParts.join(':'), numRuns: 1 });
    if (!details.failed) {
      console.log(`${name}:${seed}:${pathParts.join(':')} passes: the case loads consistently or is rejected cleanly`);
      return 0;
    }
    const error = details.errorInstance;
    if (error instanceof FuzzFailure) {
      console.log(`case:    ${error.description}\nfailure: ${error.outcome.detail}`);
      const file = path.join(os.tmpdir(), `embedkit-fuzz-replay${error.caseFile.ext}`);
      fs.writeFileSync(file, error.caseFile.bytes);
      console.log(`file:    ${file}`);
    } else console.log(String(error));
    return 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
