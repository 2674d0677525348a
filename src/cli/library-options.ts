import { Option, type Command } from 'commander';

/** A command-line flag with a value (`--dim <n>`) that sets the library option `key`. */
interface ValueFlag<O, K extends keyof O> {
  key: K;
  flags: `${string}<${string}>`;
  description: string;
  /** Parses and checks the value; its result type is the library option's. */
  parse: (value: string) => NonNullable<O[K]>;
  /** The library's default, shown in --help and used when the flag is absent. */
  default?: NonNullable<O[K]>;
  /** The library option is required: so is the flag. */
  mandatory?: boolean;
}

/**
 * A switch that sets the boolean library option `key`: `--hs` turns on an option whose library
 * default is false, `--no-cbow-mean` turns off one whose default is true.
 */
interface SwitchFlag<K> {
  key: K;
  flags: string;
  description: string;
  /** The library's default (false for `--x`, true for `--no-x`). */
  default: boolean;
}

/**
 * One flag of a command that passes library options through: `key` must be an option of `O` and
 * `parse` must return its type, so renaming or retyping a library option breaks the table at
 * compile time instead of the command at run time.
 */
export type LibraryFlag<O> = {
  [K in keyof O]-?: ValueFlag<O, K> | (NonNullable<O[K]> extends boolean ? SwitchFlag<K> : never);
}[keyof O];

/** The values of the string union `T`, listed as an object so a missing or unknown value is a compile error. */
export function allValues<T extends string>(values: { [V in T]: true }): T[] {
  return Object.keys(values) as T[];
}

function attributeOf(flag: { flags: string }): string {
  return new Option(flag.flags).attributeName();
}

/** The flags of `table` that were given on the command line (not defaults), as written (e.g. `--minn`). */
export function givenFlags<O>(command: Command, table: readonly LibraryFlag<O>[]): string[] {
  return table
    .filter((f) => command.getOptionValueSource(attributeOf(f)) === 'cli')
    .map((f) => f.flags.split(/[ ,]+/).find((p) => p.startsWith('--'))!);
}

/** Adds the flags of `table` to `command`, with the library's defaults. */
export function addLibraryFlags<O>(command: Command, table: readonly LibraryFlag<O>[]): Command {
  for (const flag of table) {
    const option = new Option(flag.flags, flag.description);
    if ('parse' in flag) {
      option.argParser(flag.parse);
      if (flag.default !== undefined) option.default(flag.default);
      if (flag.mandatory) option.makeOptionMandatory();
    } else {
      const negated = option.negate;
      if (flag.default !== negated)
        throw new Error(`${flag.flags}: a ${negated ? '--no-' : ''}switch needs a library default of ${negated}, got ${flag.default}`);
      if (!negated) option.default(false);
    }
    command.addOption(option);
  }
  return command;
}

/** The library options that the parsed command line (commander's `opts()`) sets through the flags of `table`. */
export function libraryOptions<O>(parsed: Record<string, unknown>, table: readonly LibraryFlag<O>[]): Partial<O> {
  const out: Partial<O> = {};
  for (const flag of table) {
    const value = parsed[attributeOf(flag)];
    if (value !== undefined) out[flag.key] = value as O[typeof flag.key];
  }
  return out;
}
