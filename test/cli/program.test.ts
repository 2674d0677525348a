// The command line loads only the command it runs: check that the table of lazily loaded commands
// names every command and that a program built for one command describes it exactly as the full one.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, COMMANDS } from '../../src/cli/program.js';

/** The help of `command` and of every subcommand below it, by path. */
function helps(command: Command, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  const name = `${prefix}${command.name()}`;
  out.set(name, command.helpInformation());
  for (const sub of command.commands) for (const [k, v] of helps(sub, `${name} `)) out.set(k, v);
  return out;
}

describe('buildProgram', () => {
  it('registers every command without arguments, and the table names each exactly once', async () => {
    const full = await buildProgram();
    const names = full.commands.map((c) => c.name()).sort();
    expect(names.length).toBeGreaterThan(20);
    expect([...COMMANDS.flatMap((c) => c.names)].sort()).toEqual(names);
  }, 60_000);

  it('built for one command, describes that command as the full program does', async () => {
    const full = await buildProgram();
    for (const entry of COMMANDS) {
      for (const name of entry.names) {
        const one = await buildProgram(['--json', name, '--help']);
        expect(one.commands.map((c) => c.name())).toEqual(entry.names);
        const command = one.commands.find((c) => c.name() === name)!;
        expect(helps(command)).toEqual(helps(full.commands.find((c) => c.name() === name)!));
      }
    }
  }, 60_000);

  it('registers every command for top-level help, version, an unknown command, or a key file named like a command', async () => {
    const total = (await buildProgram()).commands.length;
    for (const args of [[], ['--help'], ['-V'], ['-h', 'jobs'], ['no-such-command'], ['--', 'jobs'], ['--key-file', 'help']])
      expect((await buildProgram(args)).commands.length, args.join(' ')).toBe(total);
    expect((await buildProgram(['--key-file', 'k.txt', 'jobs', 'embed'])).commands.map((c) => c.name())).toEqual(['jobs']);
  }, 60_000);

  it('loads only the jobs subcommand it runs, described as in the full program; jobs help lists them all', async () => {
    const fullJobs = (await buildProgram()).commands.find((c) => c.name() === 'jobs')!;
    const all = fullJobs.commands.map((c) => c.name());
    expect(all).toEqual(['worker', 'embed', 'index', 'status']);
    for (const sub of all) {
      const jobs = (await buildProgram(['--json', 'jobs', sub, '--redis', 'redis://h:1'])).commands[0];
      expect(jobs.commands.map((c) => c.name())).toEqual([sub]);
      expect(helps(jobs.commands[0])).toEqual(helps(fullJobs.commands.find((c) => c.name() === sub)!));
    }
    for (const args of [['jobs'], ['jobs', '--help'], ['jobs', 'no-such'], ['jobs', '-h', 'embed'], ['jobs', '--key-file', 'embed']])
      expect(
        (await buildProgram(args)).commands[0].commands.map((c) => c.name()),
        args.join(' '),
      ).toEqual(all);
    expect(helps((await buildProgram(['jobs', '--help'])).commands[0])).toEqual(helps(fullJobs));
  }, 60_000);
});
