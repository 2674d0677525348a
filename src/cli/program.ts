import { Command } from 'commander';
import { addKeyFileOption } from './key-option.js';
import { firstName } from './command-args.js';
import type { GlobalOptions } from './run.js';
import { VERSION } from '../version.js';

export type Register = (program: Command, globals: () => GlobalOptions) => void;

/**
 * The top-level commands, in the order `--help` lists them, and the module that registers each.
 * Modules are imported only when needed: loading all of them (and what they import) took ~0.4 s,
 * which every command paid before doing anything — a third of a short `jobs embed` run's fixed cost.
 */
export const COMMANDS: readonly { names: readonly string[]; load: (rest?: readonly string[]) => Promise<Register> }[] = [
  { names: ['train'], load: async () => (await import('./commands/train.js')).registerTrain },
  { names: ['similar'], load: async () => (await import('./commands/similar.js')).registerSimilar },
  { names: ['vector'], load: async () => (await import('./commands/vector.js')).registerVector },
  { names: ['supervised'], load: async () => (await import('./commands/supervised.js')).registerSupervised },
  { names: ['analogy'], load: async () => (await import('./commands/analogy.js')).registerAnalogy },
  { names: ['eval'], load: async () => (await import('./commands/eval.js')).registerEval },
  { names: ['convert'], load: async () => (await import('./commands/convert.js')).registerConvert },
  { names: ['index'], load: async () => (await import('./commands/index-command.js')).registerIndex },
  { names: ['embed'], load: async () => (await import('./commands/embed.js')).registerEmbed },
  { names: ['audio'], load: async () => (await import('./commands/audio.js')).registerAudio },
  { names: ['encoders'], load: async () => (await import('./commands/encoders.js')).registerEncoders },
  { names: ['demo'], load: async () => (await import('./commands/demo.js')).registerDemo },
  { names: ['classify'], load: async () => (await import('./commands/classify.js')).registerClassify },
  { names: ['cluster'], load: async () => (await import('./commands/cluster.js')).registerCluster },
  { names: ['topics'], load: async () => (await import('./commands/topics.js')).registerTopics },
  { names: ['search'], load: async () => (await import('./commands/search.js')).registerSearch },
  { names: ['serve'], load: async () => (await import('./commands/serve.js')).registerServe },
  { names: ['match', 'dedupe'], load: async () => (await import('./commands/match.js')).registerMatch },
  { names: ['recommend'], load: async () => (await import('./commands/recommend.js')).registerRecommend },
  { names: ['project'], load: async () => (await import('./commands/project.js')).registerProject },
  { names: ['tokenize'], load: async () => (await import('./commands/tokenize.js')).registerTokenize },
  { names: ['scrub'], load: async () => (await import('./commands/scrub.js')).registerScrub },
  { names: ['privatize'], load: async () => (await import('./commands/privatize.js')).registerPrivatize },
  { names: ['rotate'], load: async () => (await import('./commands/rotate.js')).registerRotate },
  { names: ['plot'], load: async () => (await import('./commands/plot.js')).registerPlot },
  { names: ['jobs'], load: async (rest) => (await import('./commands/jobs.js')).loadJobs(rest) },
  { names: ['encrypt', 'decrypt', 'keygen'], load: async () => (await import('./commands/encrypt.js')).registerEncrypt },
];

/**
 * The top-level command named by `args` (the arguments after the script), if it is one of
 * {@link COMMANDS}, and the arguments after its name.
 */
function commandOf(args: readonly string[]): { command: (typeof COMMANDS)[number]; rest: readonly string[] } | undefined {
  const at = firstName(args);
  const command = at === undefined ? undefined : COMMANDS.find((c) => c.names.includes(args[at]));
  return command ? { command, rest: args.slice(at! + 1) } : undefined;
}

/**
 * Builds the `embedkit` command line. Given the arguments after the script (`process.argv.slice(2)`),
 * it registers only the command they name, so a command loads its own modules and no others; without
 * them, or when they name no known command (top-level `--help`, a typo to suggest a fix for), every
 * command is registered.
 */
export async function buildProgram(args?: readonly string[]): Promise<Command> {
  const program = new Command('embedkit');
  program
    .description(
      'embeddings for TypeScript: train word vectors, query and evaluate them, convert formats, build and search vector indexes, embed text and images with pretrained encoders',
    )
    .version(VERSION, '-V, --version')
    .option('-v, --verbose', 'print stack traces on errors', false)
    .option('--json', 'machine-readable JSON output (every command)', false)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) });
  addKeyFileOption(program);
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const named = args ? commandOf(args) : undefined;
  const registers = await Promise.all(named ? [named.command.load(named.rest)] : COMMANDS.map((c) => c.load()));
  for (const register of registers) register(program, globals);
  // Subcommands inherit exitOverride so usage errors come back as CommanderError (exit 2).
  const override = (c: Command) => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  program.commands.forEach(override);
  return program;
}
