// npm test's pretest step: makes sure the Debian packages of scripts/system-packages.mjs are
// installed. Missing ones are installed with apt-get when running as root (one `apt-get update`,
// then one `apt-get install -y`); otherwise the exact command to run is printed and the exit code
// is 1, so that `npm test` stops before suites fail for lack of a tool.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYSTEM_PACKAGES } from './system-packages.mjs';

/** Debian's Python (the python3 first on PATH may be another one, without Debian's modules). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** Whether `name` is an executable file in one of the PATH directories. */
export function onPath(name, path = process.env.PATH ?? '') {
  return path
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** Whether the check of a package passes on this machine. */
export function isPresent(check) {
  if (check.command) return onPath(check.command);
  if (check.python) return spawnSync(DEBIAN_PYTHON, ['-c', `import ${check.python}`], { stdio: 'ignore' }).status === 0;
  if (check.dpkg) return dpkgInstalled(check.dpkg);
  throw new Error(`a package check needs 'command', 'python' or 'dpkg', got ${JSON.stringify(check)}`);
}

/** Whether dpkg reports the package as installed (for packages with no command or module to probe). */
export function dpkgInstalled(name) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && /\binstall ok installed\b/.test(r.stdout);
}

/** The shell line a user runs to install `names`. */
export function installLine(names, sudo) {
  const s = sudo ? 'sudo ' : '';
  return `${s}apt-get update && ${s}apt-get install -y ${names.join(' ')}`;
}

/** Runs a command with its output shown; returns its exit status. */
function runCommand(command, args) {
  const r = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.error ? 127 : r.status;
}

/**
 * Installs what is missing of `packages` (or says how); returns the exit code. The machine is
 * reached only through `present` (runs a check), `run` (runs a command, returns its status) and
 * `log`, so tests can pass fakes.
 */
export function ensureSystemPackages({
  packages = SYSTEM_PACKAGES,
  isRoot = process.getuid?.() === 0,
  hasAptGet = onPath('apt-get'),
  present = (p) => isPresent(p.check),
  run = runCommand,
  log = (line) => console.error(line),
} = {}) {
  const missing = packages.filter((p) => !present(p));
  if (missing.length === 0) return 0;
  const names = missing.map((p) => p.name);
  log(`npm test needs these Debian packages, not installed here:`);
  for (const p of missing) log(`  ${p.name}: ${p.why}`);
  if (!isRoot || !hasAptGet) {
    log(`Install them${hasAptGet ? '' : ' (on Debian or Ubuntu)'}, then run npm test again:`);
    log(`  ${installLine(names, !isRoot)}`);
    return 1;
  }
  log(`Installing them: ${installLine(names, false)}`);
  if (run('apt-get', ['update']) !== 0 || run('apt-get', ['install', '-y', ...names]) !== 0) {
    log(`apt-get failed; install the packages by hand: ${installLine(names, false)}`);
    return 1;
  }
  const still = missing.filter((p) => !present(p));
  if (still.length > 0) {
    log(`still missing after apt-get install: ${still.map((p) => p.name).join(', ')} (its check: ${JSON.stringify(still[0].check)})`);
    return 1;
  }
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = ensureSystemPackages();
