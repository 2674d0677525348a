#!/usr/bin/env node
// embedkit command line: `embedkit --help`.
import { buildProgram } from './program.js';
import { reportError } from './run.js';

try {
  const program = await buildProgram(process.argv.slice(2));
  await program.parseAsync(process.argv);
} catch (e) {
  process.exitCode = reportError(e, process.argv.includes('--verbose') || process.argv.includes('-v'));
}
