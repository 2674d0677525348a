import os from 'node:os';
import path from 'node:path';

/**
 * Where embedkit keeps converted models and other derived files: `$EMBEDKIT_CACHE` if set, else
 * `$XDG_CACHE_HOME/embedkit`, else `~/.cache/embedkit`.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EMBEDKIT_CACHE) return path.resolve(env.EMBEDKIT_CACHE);
  if (env.XDG_CACHE_HOME) return path.resolve(env.XDG_CACHE_HOME, 'embedkit');
  return path.join(os.homedir(), '.cache', 'embedkit');
}
