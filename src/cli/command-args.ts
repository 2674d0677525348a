// What the arguments of a command line name, read before its commands are loaded (src/cli/program.ts).

/** Global options that take a value (the next argument is not a command name). */
export const GLOBAL_WITH_VALUE = new Set(['--key-file']);
/** Global flags that print something about the whole program: every command must be known. */
export const WHOLE_PROGRAM = new Set(['-h', '--help', '-V', '--version']);

/**
 * Where the first name (of a command, or of a subcommand in the arguments after a command) is in
 * `args`, skipping options and global options' values; undefined when there is none or when help,
 * the version or `--` comes first (then every command must be known).
 */
export function firstName(args: readonly string[]): number | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (WHOLE_PROGRAM.has(arg) || arg === '--') return undefined;
    if (GLOBAL_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) return i;
  }
  return undefined;
}

/** The subcommand named by `rest` (the arguments after a command's name) if it is one of `names`. */
export function subcommandOf(rest: readonly string[] | undefined, names: readonly string[]): string | undefined {
  const at = rest ? firstName(rest) : undefined;
  return at !== undefined && names.includes(rest![at]) ? rest![at] : undefined;
}
