import type { Command } from 'commander';
import type { GlobalOptions } from '../run.js';
import { registerIndexBuild } from './index-build.js';
import { registerIndexInfo } from './index-info.js';
import { registerIndexSearch } from './index-search.js';

/** `embedkit index build|search|info`. */
export function registerIndex(program: Command, globals: () => GlobalOptions): void {
  const index = program
    .command('index')
    .description('vector indexes: build (flat or HNSW) from a vector file, search with recall@k, show info');
  registerIndexBuild(index, globals);
  registerIndexSearch(index, globals);
  registerIndexInfo(index, globals);
}
