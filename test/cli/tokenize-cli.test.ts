import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { makeTempDir, rng } from '../io/helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const CLI = join(ROOT, 'dist/cli/main.js');

function run(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, [CLI, 'tokenize', ...args], { encoding: 'utf8', input });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const TEXT = 'The children were eating apples.\n\n我是北京大学的研究生。\n';

beforeAll(() => {
  writeFileSync(tmp.file('mixed.txt'), TEXT);
  writeFileSync(tmp.file('mixed.txt.gz'), gzipSync(TEXT));
  writeFileSync(tmp.file('empty.txt'), '');
  const random = rng(7);
  writeFileSync(
    tmp.file('garbage.bin'),
    Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256)),
  );
  writeFileSync(tmp.file('nul.bin'), Buffer.from('abc\0\0\0def\nxyz\n'));
});

describe('embedkit tokenize', () => {
  it('prints one line of tokens per input line (empty lines stay), as the default tokenizer splits them', () => {
    const r = run([tmp.file('mixed.txt')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe('the children were eating apples\n\n我是 北京 大学 的 研究生\n');
    expect(run([tmp.file('mixed.txt.gz')]).out).toBe(r.out);
  });

  it('--segmenter jieba segments the Chinese line with jieba', () => {
    const r = run([tmp.file('mixed.txt'), '--segmenter', 'jieba']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[2]).toBe('我 是 北京大学 的 研究生');
  });

  it('--pos prints word/TAG, --keep-pos and --lemma filter and lemmatize', () => {
    const pos = run([tmp.file('mixed.txt'), '--pos']);
    expect(pos.code).toBe(0);
    expect(pos.out).toBe('the/DET children/NOUN were/AUX eating/VERB apples/NOUN\n\n我/PRON 是/VERB 北京大学/PROPN 的/PART 研究生/NOUN\n');
    const nouns = run([tmp.file('mixed.txt'), '--keep-pos', 'noun,PROPN', '--lemma']);
    expect(nouns.out).toBe('child apple\n\n北京大学 研究生\n');
  });

  it('--json prints one compact object per line, tags with --pos', () => {
    const r = run([tmp.file('mixed.txt'), '--json', '--pos', '--punctuation', 'keep']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('{"tokens":[],"tags":[]}');
    expect(JSON.parse(lines[0])).toEqual({
      tokens: ['the', 'children', 'were', 'eating', 'apples', '.'],
      tags: ['DET', 'NOUN', 'AUX', 'VERB', 'NOUN', 'PUNCT'],
    });
    expect(run([tmp.file('mixed.txt'), '--json']).out.split('\n')[0]).toBe('{"tokens":["the","children","were","eating","apples"]}');
  });

  it('reads plain text from stdin with -, checked as files are', () => {
    const r = run(['-', '--stop-words', 'en'], 'The cat and the hat\n\nend');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe('cat hat\n\nend\n');
    const bad = run(['-'], Buffer.from([0x6f, 0x6b, 0x0a, 0xff, 0x0a]));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^embedkit: error: stdin: invalid UTF-8 on line 2/);
  });

  it('--help lists the flags, exit 0; an empty file prints nothing', () => {
    const help = run(['--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--pos', '--lang', '--segmenter', '--keep-pos', '--lemma', '--json']) expect(help.out).toContain(flag);
    const empty = run([tmp.file('empty.txt')]);
    expect([empty.code, empty.out, empty.err]).toEqual([0, '', '']);
  });

  it('fails with one clear line naming the file: missing file, binary data (exit 1)', () => {
    const missing = run([tmp.file('nope.txt')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^embedkit: error: .*nope\.txt.*\n$/);
    const garbage = run([tmp.file('garbage.bin')]);
    expect(garbage.code).toBe(1);
    expect(garbage.err).toMatch(/garbage\.bin: invalid UTF-8 on line \d+/);
    const nul = run([tmp.file('nul.bin')]);
    expect(nul.code).toBe(1);
    expect(nul.err).toContain('nul.bin: line 1 has a NUL byte: this is a binary file, not text');
  });

  it('bad usage exits 2: unknown tag, language or segmenter, contradictory options', () => {
    for (const args of [
      ['--keep-pos', 'NOUN,FOO'],
      ['--lang', 'fr'],
      ['--segmenter', 'hanlp'],
      ['--segmenter', 'jieba', '--segmentation', 'intl'],
      [],
    ]) {
      const r = run(args.length > 0 ? [tmp.file('mixed.txt'), ...args] : []);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out).toBe('');
      if (args[0] === '--keep-pos') expect(r.err).toContain("'FOO' is not a Universal POS tag");
    }
  });
});
