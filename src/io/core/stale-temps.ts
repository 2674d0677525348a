import fsp from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../errors.js';

/** Options of {@link cleanupStaleTemps}. */
export interface CleanupStaleTempsOptions {
  /** Only remove temporary files of this target file name (e.g. `'index.ekx'`). Default: of any target. */
  target?: string;
  /** Only remove files not modified for this long (default 10 minutes), in case the writer runs on another machine. */
  minAgeMs?: number;
}

/**
 * Name of the temporary files of the atomic writers (atomic-write.ts):
 * `.<target name>.<writer pid>.<12 hex digits>.tmp`.
 */
const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** Whether process `pid` is running on this machine (EPERM: it runs as another user). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that atomic writes (`writeContainer`, `saveVectors`, …) left in `dir`
 * when their process died before finishing: files named `.<target>.<pid>.<random>.tmp` whose writer
 * process no longer runs on this machine and that are older than `minAgeMs`. Such files never affect
 * readers (they only read the target), they just waste space. Returns the paths removed.
 */
export async function cleanupStaleTemps(dir: string, options: CleanupStaleTempsOptions = {}): Promise<string[]> {
  if (typeof dir !== 'string' || dir.length === 0) throw new UsageError(`dir must be a non-empty string, got ${JSON.stringify(dir)}`);
  const { target, minAgeMs = 10 * 60_000 } = options;
  if (!(typeof minAgeMs === 'number' && minAgeMs >= 0))
    throw new UsageError(`minAgeMs must be a non-negative number, got ${String(minAgeMs)}`);
  if (target !== undefined && (typeof target !== 'string' || target.length === 0 || path.basename(target) !== target)) {
    throw new UsageError(`target must be a file name without directory, got ${JSON.stringify(target)}`);
  }
  const removed: string[] = [];
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const match = TEMP_NAME.exec(entry.name);
    if (!match || !entry.isFile() || (target !== undefined && match[1] !== target)) continue;
    if (isRunning(Number(match[2]))) continue;
    const file = path.join(dir, entry.name);
    try {
      const stats = await fsp.stat(file);
      if (Date.now() - stats.mtimeMs < minAgeMs) continue;
      await fsp.rm(file);
      removed.push(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // removed meanwhile by someone else
    }
  }
  return removed;
}
