// npm test's pretest step (scripts/ensure-system-packages.mjs), its decisions checked with a fake
// package and fake apt-get runs, so the "missing" paths are walked without uninstalling anything.
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module script without declarations
import { ensureSystemPackages, installLine, isPresent, onPath } from '../../scripts/ensure-system-packages.mjs';
// @ts-expect-error -- a plain ES module script without declarations
import { SYSTEM_PACKAGES } from '../../scripts/system-packages.mjs';

interface Pkg {
  name: string;
  why: string;
  check: { command?: string; python?: string };
}

const FAKE: Pkg = { name: 'embedkit-fake-package', why: 'a test of the pretest step', check: { command: 'embedkit-no-such-command' } };
const FAKE2: Pkg = { name: 'embedkit-fake-tool', why: 'another', check: { python: 'embedkit_no_such_module' } };
const REAL: Pkg = { name: 'nodejs', why: 'present', check: { command: 'node' } };

/** A machine where `installed` packages pass their checks and apt-get installs what it is asked to (unless `broken`). */
function machine(options: { isRoot: boolean; hasAptGet?: boolean; installed?: string[]; aptInstalls?: boolean; aptStatus?: number }) {
  const installed = new Set(options.installed ?? ['nodejs']);
  const commands: string[] = [];
  const lines: string[] = [];
  const code = ensureSystemPackages({
    packages: [REAL, FAKE, FAKE2],
    isRoot: options.isRoot,
    hasAptGet: options.hasAptGet ?? true,
    present: (p: Pkg) => installed.has(p.name),
    run: (command: string, args: string[]) => {
      commands.push([command, ...args].join(' '));
      if (args[0] === 'install' && options.aptInstalls !== false) for (const name of args.slice(2)) installed.add(name);
      return options.aptStatus ?? 0;
    },
    log: (line: string) => lines.push(line),
  }) as number;
  return { code, commands, output: lines.join('\n') };
}

describe('ensure-system-packages (pretest)', () => {
  it('does nothing when everything is installed', () => {
    const m = machine({ isRoot: true, installed: ['nodejs', FAKE.name, FAKE2.name] });
    expect(m).toEqual({ code: 0, commands: [], output: '' });
  });

  it('as root: one apt-get update, one apt-get install -y of every missing package', () => {
    const m = machine({ isRoot: true });
    expect(m.code).toBe(0);
    expect(m.commands).toEqual(['apt-get update', `apt-get install -y ${FAKE.name} ${FAKE2.name}`]);
    expect(m.output).toContain(`${FAKE.name}: ${FAKE.why}`);
  });

  it('not root: prints the exact command and fails without running anything', () => {
    const m = machine({ isRoot: false, installed: ['nodejs', FAKE2.name] });
    expect(m.code).toBe(1);
    expect(m.commands).toEqual([]);
    expect(m.output).toContain(`sudo apt-get update && sudo apt-get install -y ${FAKE.name}`);
    expect(m.output).not.toContain(FAKE2.name);
  });

  it('fails when apt-get fails, when a package stays missing, or when there is no apt-get', () => {
    expect(machine({ isRoot: true, aptStatus: 100 }).code).toBe(1);
    const stays = machine({ isRoot: true, aptInstalls: false });
    expect(stays.code).toBe(1);
    expect(stays.output).toContain(`still missing after apt-get install: ${FAKE.name}, ${FAKE2.name}`);
    const noApt = machine({ isRoot: true, hasAptGet: false });
    expect(noApt.code).toBe(1);
    expect(noApt.commands).toEqual([]);
    expect(noApt.output).toContain(installLine([FAKE.name, FAKE2.name], false));
  });

  it('checks commands on PATH, modules of Debian Python and dpkg packages for real', () => {
    expect(onPath('node')).toBe(true);
    expect(onPath('embedkit-no-such-command')).toBe(false);
    expect(isPresent(FAKE.check)).toBe(false);
    expect(isPresent(FAKE2.check)).toBe(false);
    expect(isPresent({ python: 'json' })).toBe(true);
    expect(isPresent({ dpkg: 'coreutils' })).toBe(true);
    expect(isPresent({ dpkg: 'embedkit-no-such-package' })).toBe(false);
  });

  it('the packages of scripts/system-packages.mjs are all installed (npm test ran the step first)', () => {
    const missing = (SYSTEM_PACKAGES as Pkg[]).filter((p) => !isPresent(p.check)).map((p) => p.name);
    expect(missing).toEqual([]);
    expect((SYSTEM_PACKAGES as Pkg[]).map((p) => p.name)).toEqual([
      'python3-gensim',
      'python3-numpy',
      'clang-14',
      'lld-14',
      'wabt',
      'python3-scipy',
      'sox',
      'libsox-fmt-all',
      'espeak-ng',
      'python3-sklearn',
      'fasttext',
      'fonts-dejavu-core',
      'redis-server',
      'chromium',
      'openssl',
    ]);
  });
});
