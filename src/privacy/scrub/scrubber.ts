import { createHmac } from 'node:crypto';
import { UsageError } from '../../errors.js';
import { deriveKey } from '../key-file.js';
import { DETECTORS } from './detectors.js';
import { PII_KINDS, PLACEHOLDERS, type PiiKind, type PiiSpan } from './kinds.js';
import type { NameList } from './names.js';
import { resolveOverlaps } from './overlaps.js';

/** Options of {@link Scrubber}. */
export interface ScrubOptions {
  /**
   * 'placeholder' (default): each value becomes its typed placeholder, `[EMAIL]`; 'hash': a keyed
   * hash of the value, `[EMAIL:3f2a9c01b7e4]`, equal for equal values (so joins and counts survive)
   * and not reversible without the key.
   */
  mode?: 'placeholder' | 'hash';
  /** Secret bytes of the hash key (required for 'hash'; see readKeyFile). */
  key?: Uint8Array;
  /** Kinds to find. Default: every kind (names only when `names` is given). */
  kinds?: readonly PiiKind[];
  /** Names to find (kind 'name'). */
  names?: NameList;
  /** Hex digits of the hash kept in 'hash' mode. Default 12 (48 bits). */
  hashDigits?: number;
}

/** Counts of replaced values per kind. */
export type ScrubCounts = Record<PiiKind, number>;

export function emptyCounts(): ScrubCounts {
  return Object.fromEntries(PII_KINDS.map((k) => [k, 0])) as ScrubCounts;
}

/** The form of a value that is hashed, so that spellings of one value hash alike. */
function canonical(kind: PiiKind, text: string): string {
  switch (kind) {
    case 'email':
    case 'name':
    case 'url':
      return text.toLowerCase().replace(/\s+/g, ' ');
    case 'iban':
    case 'national-id':
      return text.replace(/[\s-]/g, '').toUpperCase();
    case 'ip':
      return text.toLowerCase();
    case 'phone':
      // one number with or without the Chinese country code
      return text.replace(/[^\d+]/g, '').replace(/^(?:\+|00)86(?=1[3-9]\d{9}$)/, '');
    case 'credit-card':
      return text.replace(/\D/g, '');
  }
}

/**
 * Finds personal data in text and replaces it (see docs/privacy.md): e-mail addresses, URLs, IPv4/
 * IPv6 addresses, phone numbers (international, North American, European national, Chinese mobile
 * and landline), payment card numbers (Luhn + issuer prefix), IBANs (mod 97), national ids (the
 * Chinese resident id with its MOD 11-2 check and birth date; US SSNs) and listed names. Where
 * matches overlap the longest wins, then the most specific kind.
 */
export class Scrubber {
  readonly kinds: readonly PiiKind[];
  readonly mode: 'placeholder' | 'hash';
  readonly counts: ScrubCounts = emptyCounts();
  private readonly hashKey: Buffer | undefined;
  private readonly digits: number;
  private readonly names: NameList | undefined;

  constructor(options: ScrubOptions = {}) {
    this.mode = options.mode ?? 'placeholder';
    if (this.mode !== 'placeholder' && this.mode !== 'hash')
      throw new UsageError(`scrub mode must be placeholder or hash, got ${String(this.mode)}`);
    const kinds = options.kinds ?? PII_KINDS.filter((k) => k !== 'name' || options.names);
    for (const k of kinds) if (!PII_KINDS.includes(k)) throw new UsageError(`unknown PII kind '${k}' (known: ${PII_KINDS.join(', ')})`);
    if (kinds.includes('name') && !options.names) throw new UsageError("the kind 'name' needs a names list (--names FILE)");
    this.kinds = [...new Set(kinds)];
    this.names = options.names;
    if (this.mode === 'hash') {
      if (!options.key) throw new UsageError('hash mode needs a key (--hash-key FILE)');
      this.hashKey = deriveKey(options.key, 'embedkit scrub hmac-sha256 v1');
    }
    this.digits = options.hashDigits ?? 12;
    if (!Number.isInteger(this.digits) || this.digits < 4 || this.digits > 64)
      throw new UsageError(`hashDigits must be an integer in 4 … 64, got ${this.digits}`);
  }

  /** The personal data in `text`, overlaps resolved, in text order. */
  find(text: string): PiiSpan[] {
    const spans: PiiSpan[] = [];
    for (const kind of this.kinds) {
      if (kind === 'name') spans.push(...(this.names as NameList).find(text));
      else spans.push(...(DETECTORS[kind] as (t: string) => PiiSpan[])(text));
    }
    return resolveOverlaps(spans);
  }

  /** What replaces `span`. */
  replacement(span: PiiSpan): string {
    const tag = PLACEHOLDERS[span.kind];
    if (!this.hashKey) return `[${tag}]`;
    const mac = createHmac('sha256', this.hashKey)
      .update(`${span.kind}\u0000${canonical(span.kind, span.text)}`)
      .digest('hex');
    return `[${tag}:${mac.slice(0, this.digits)}]`;
  }

  /** `text` with its personal data replaced; adds to {@link counts}. */
  scrub(text: string): string {
    const spans = this.find(text);
    if (spans.length === 0) return text;
    let out = '';
    let at = 0;
    for (const s of spans) {
      out += text.slice(at, s.start) + this.replacement(s);
      at = s.end;
      this.counts[s.kind]++;
    }
    return out + text.slice(at);
  }

  /** Values replaced so far, all kinds. */
  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }
}
