import { Command } from 'commander';
import { registerAnalogy } from './commands/analogy.js';
import { registerAudio } from './commands/audio.js';
import { registerClassify } from './commands/classify.js';
import { registerCluster } from './commands/cluster.js';
import { registerConvert } from './commands/convert.js';
import { registerDemo } from './commands/demo.js';
import { registerEmbed } from './commands/embed.js';
import { registerEncoders } from './commands/encoders.js';
import { registerEval } from './commands/eval.js';
import { registerIndex } from './commands/index-command.js';
import { registerMatch } from './commands/match.js';
import { registerRecommend } from './commands/recommend.js';
import { registerSearch } from './commands/search.js';
import { registerServe } from './commands/serve.js';
import { registerSimilar } from './commands/similar.js';
import { registerTopics } from './commands/topics.js';
import { registerSupervised } from './commands/supervised.js';
import { registerTokenize } from './commands/tokenize.js';
import { registerTrain } from './commands/train.js';
import { registerVector } from './commands/vector.js';
import type { GlobalOptions } from './run.js';
import { VERSION } from '../version.js';

/** Builds the `embedkit` command line (one register function per subcommand). */
export function buildProgram(): Command {
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
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  registerTrain(program, globals);
  registerSimilar(program, globals);
  registerVector(program, globals);
  registerSupervised(program, globals);
  registerAnalogy(program, globals);
  registerEval(program, globals);
  registerConvert(program, globals);
  registerIndex(program, globals);
  registerEmbed(program, globals);
  registerAudio(program, globals);
  registerEncoders(program, globals);
  registerDemo(program, globals);
  registerClassify(program, globals);
  registerCluster(program, globals);
  registerTopics(program, globals);
  registerSearch(program, globals);
  registerServe(program, globals);
  registerMatch(program, globals);
  registerRecommend(program, globals);
  registerTokenize(program, globals);
  // Subcommands inherit exitOverride so usage errors come back as CommanderError (exit 2).
  const override = (c: Command) => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  program.commands.forEach(override);
  return program;
}
