// `embedkit tokenize FILE`: the tokens of each line of a text file, as training sees them (same
// tokenizer flags as `embedkit train`), optionally with part-of-speech tags.
import { Option, type Command } from 'commander';
import { AbortError, FileFormatError } from '../../errors.js';
import { DEFAULT_MAX_LINE_BYTES, FileCorpus } from '../../text/file-corpus.js';
import { LineSplitter } from '../../text/line-splitter.js';
import type { PosLanguage } from '../../text/pos/tagged-token.js';
import { Tokenizer } from '../../text/tokenizer.js';
import { addLibraryFlags, allValues, libraryOptions } from '../library-options.js';
import { writeOut } from '../output.js';
import { oneOf } from '../parse.js';
import { compact, ProgressBar } from '../progress-bar.js';
import { abortOnSigint, type GlobalOptions } from '../run.js';
import { TOKENIZER_FLAGS } from './train-flags.js';

interface TokenizeFlags {
  pos: boolean;
  lang: PosLanguage;
  json: boolean;
  quiet: boolean;
}

/** `embedkit tokenize`: one output line per input line. */
export function registerTokenize(program: Command, globals: () => GlobalOptions): void {
  const command = program
    .command('tokenize')
    .description(
      'print the tokens of each line of a text file (plain or .gz; - for stdin) as `embedkit train` sees them, one line of tokens per input line; --pos adds part-of-speech tags (word/TAG)',
    )
    .argument('<file>', 'text file, UTF-8, plain or gzip (- reads plain text from stdin)');
  addLibraryFlags(command, TOKENIZER_FLAGS);
  command
    .option('--pos', 'tag each token with its Universal POS tag: word/NOUN (English: wink-nlp, Chinese: jieba)', false)
    .addOption(
      new Option('--lang <lang>', 'language of the POS tagger: auto (Chinese runs by jieba, the rest as English), en or zh')
        .argParser(oneOf(allValues<PosLanguage>({ auto: true, en: true, zh: true })))
        .default('auto'),
    )
    .option('--json', 'one JSON object per line: {"tokens":[...]} (with --pos also "tags":[...])', false)
    .option('-q, --quiet', 'no progress bar', false)
    .action(async (file: string, o: TokenizeFlags & Record<string, unknown>) => {
      const json = o.json || globals().json;
      const tokenizer = new Tokenizer({ ...libraryOptions(o, TOKENIZER_FLAGS), posLanguage: o.lang });
      const signal = abortOnSigint();
      const corpus = file === '-' ? undefined : await FileCorpus.open(file);
      const batches = corpus ? corpus.lineBatches({ signal }) : stdinLineBatches();
      // A closed pipe (`… | head`) ends the output quietly.
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') process.exit(0);
        throw error;
      });
      const bar = new ProgressBar(!o.quiet);
      const fraction = () => (corpus && corpus.totalBytes > 0 ? corpus.bytesRead / corpus.totalBytes : NaN);
      let lineNumber = 0;
      let tokenCount = 0;
      try {
        for await (const lines of batches) {
          if (signal.aborted) throw new AbortError('tokenize interrupted');
          const out: string[] = [];
          for (const line of lines) {
            lineNumber++;
            // Valid UTF-8 can still be binary data; text files have no NUL bytes.
            if (line.includes('\0')) throw new FileFormatError(file, `line ${lineNumber} has a NUL byte: this is a binary file, not text`);
            if (o.pos) {
              const { tokens, tags } = tokenizer.tokenizeWithTags(line);
              tokenCount += tokens.length;
              out.push(json ? JSON.stringify({ tokens, tags }) : tokens.map((t, i) => `${t}/${tags[i]}`).join(' '));
            } else {
              const tokens = tokenizer.tokenize(line);
              tokenCount += tokens.length;
              out.push(json ? JSON.stringify({ tokens }) : tokens.join(' '));
            }
          }
          bar.update('tokens', fraction(), `${compact(lineNumber)} lines  ${compact(tokenCount)} tokens`);
          await writeOut(`${out.join('\n')}\n`);
        }
      } finally {
        bar.done();
      }
    });
}

/** Lines of stdin (plain UTF-8 text, checked as files are), in batches. */
async function* stdinLineBatches(): AsyncGenerator<string[]> {
  const splitter = new LineSplitter('stdin', DEFAULT_MAX_LINE_BYTES, 'error');
  for await (const chunk of process.stdin) {
    const lines: string[] = [];
    splitter.push(chunk as Buffer, lines);
    if (lines.length > 0) yield lines;
  }
  const last: string[] = [];
  splitter.end(last);
  if (last.length > 0) yield last;
}
