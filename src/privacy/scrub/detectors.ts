// Pattern detectors, one per kind. Each returns every candidate it accepts; overlaps between
// kinds are resolved by the scrubber (overlaps.ts). Patterns are anchored by look-arounds rather
// than \b so that CJK text around a number ("电话13812345678") still counts as a boundary.
import { isIPv6 } from 'node:net';
import { cardIssuerKnown, chineseIdValid, digitsOf, ibanValid, luhnValid, ssnValid } from './checksums.js';
import type { PiiKind, PiiSpan } from './kinds.js';

/** A detector: the spans of one kind in a line. */
export type Detector = (text: string) => PiiSpan[];

function matches(text: string, pattern: RegExp, kind: PiiKind, accept: (m: string) => boolean = () => true): PiiSpan[] {
  const out: PiiSpan[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (accept(m[0])) out.push({ kind, start: m.index, end: m.index + m[0].length, text: m[0] });
  }
  return out;
}

// RFC 5322 "dot-atom" local part (no quoted forms), a domain of LDH labels and a 2–24 letter TLD.
const EMAIL =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;

export const email: Detector = (text) => (text.includes('@') ? matches(text, EMAIL, 'email') : []);

// A scheme URL or a www. host, up to white space or a quote/bracket; trailing punctuation that
// usually ends a sentence is not part of it.
const URL_PATTERN = /(?<![\w@.])(?:(?:https?|ftp|sftp|wss?):\/\/|www\.)[^\s<>"'`{}|\\^\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+/gi;

export const url: Detector = (text) => {
  if (!/:\/\/|www\./i.test(text)) return [];
  return matches(text, URL_PATTERN, 'url').map((s) => {
    let t = s.text.replace(/[.,;:!?]+$/, '');
    // a closing bracket the URL did not open belongs to the sentence
    while (/[)\]]$/.test(t) && count(t, t.endsWith(')') ? '(' : '[') < count(t, t.endsWith(')') ? ')' : ']')) t = t.slice(0, -1);
    return { ...s, end: s.start + t.length, text: t };
  });
};

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
// Not inside a longer dotted run (version 1.2.3.4.5, an OID) nor after a "v" (v1.2.3.4).
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'g');
const IPV6_CANDIDATE = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|:|\d{1,3}(?:\.\d{1,3}){3})(?:%[\w.]+)?(?![\w:])/g;

export const ip: Detector = (text) => {
  const out = /\d\.\d/.test(text) ? matches(text, IPV4, 'ip') : [];
  if (text.includes(':')) {
    const v6 = matches(text, IPV6_CANDIDATE, 'ip', (m) => {
      const bare = m.replace(/%.*$/, '');
      // a real address: valid, with at least two groups holding digits (not "::" or a clock time)
      return isIPv6(bare) && (bare.match(/[0-9A-Fa-f]+/g) ?? []).length >= 2 && /[0-9A-Fa-f]{3,}|::/.test(bare);
    });
    out.push(...v6);
  }
  return out;
};

// Phone numbers, most specific first. All need digit boundaries on both sides, and none starts or
// ends inside a run of space-separated digit groups (so no piece of a longer number is taken).
const PHONE_PATTERNS: readonly { pattern: RegExp; digits: [number, number] }[] = [
  // Chinese mobile: 1[3-9]x xxxx xxxx, optional +86 / 0086, separators space or dash
  { pattern: /(?<![\d+]|\d )(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d| \d)/g, digits: [11, 15] },
  // international E.164 with a leading +: country code, then groups (brackets allowed round one)
  { pattern: /(?<![\w+]|\d )\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,5}\)?){1,5}(?:[ .-]?\d{2,5})(?![\d-]| \d)/g, digits: [8, 15] },
  // North American (NANP): (555) 123-4567, 555-123-4567, 555.123.4567, optional 1 before
  { pattern: /(?<![\w+(-]|\d )(?:1[ .-]?)?(?:\([2-9]\d{2}\)[ ]?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}(?![\d-]| \d)/g, digits: [10, 11] },
  // national numbers with a trunk 0 (Europe, Chinese landlines): 030 1234567, 06 12 34 56 78, 010-12345678
  { pattern: /(?<![\w+./-]|\d )\(?0[1-9]\d{0,3}\)?(?:[ /.-]\d{2,8}){1,4}(?!\d|[/.-]\d| \d)/g, digits: [9, 12] },
  // Chinese landline with its country code: +86 10 1234 5678, +86-755-88888888
  { pattern: /(?<![\d+]|\d )(?:\+|00)86[ -]?\(?0?\d{2,3}\)?[ -]?\d{3,4}[ -]?\d{4}(?!\d| \d)/g, digits: [11, 14] },
];

export const phone: Detector = (text) => {
  if (!/\d{2}/.test(text)) return [];
  const out: PiiSpan[] = [];
  for (const { pattern, digits } of PHONE_PATTERNS) {
    out.push(
      ...matches(text, pattern, 'phone', (m) => {
        const n = digitsOf(m).length;
        return n >= digits[0] && n <= digits[1] && !looksLikeDate(m);
      }),
    );
  }
  return out;
};

/** 2023-04-05, 05.06.2023, 2023/04/05 12 … : dates read as numbers with separators. */
function looksLikeDate(m: string): boolean {
  return (
    /^\(?(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])\b/.test(m) ||
    /^(?:0?[1-9]|[12]\d|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:19|20)\d{2}/.test(m)
  );
}

// 13–19 digits, optionally in groups split by single spaces or dashes.
const CARD = /(?<![\w.-]|\d )\d{4}(?:[ -]?\d{2,6}){2,4}(?:[ -]?\d{1,4})?(?![\w]|[.-]\d| \d)/g;

export const creditCard: Detector = (text) =>
  /\d{4}/.test(text)
    ? matches(text, CARD, 'credit-card', (m) => {
        const d = digitsOf(m);
        return d.length >= 13 && d.length <= 19 && luhnValid(d) && cardIssuerKnown(d);
      })
    : [];

// Country, check digits, then the BBAN in groups of four (optionally space-separated).
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g;

export const iban: Detector = (text) => matches(text, IBAN, 'iban', (m) => ibanValid(m.replace(/ /g, '')));

const CN_ID = /(?<![A-Za-z0-9])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![A-Za-z0-9])/g;
const SSN = /(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w]|-\d)/g;

export const nationalId: Detector = (text) => {
  if (!/\d{3}/.test(text)) return [];
  return [...matches(text, CN_ID, 'national-id', chineseIdValid), ...matches(text, SSN, 'national-id', (m) => ssnValid(digitsOf(m)))];
};

/** The pattern detectors by kind (names come from a user list, see names.ts). */
export const DETECTORS: Partial<Record<PiiKind, Detector>> = {
  email,
  url,
  ip,
  phone,
  'credit-card': creditCard,
  iban,
  'national-id': nationalId,
};
