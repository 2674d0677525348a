/** The kinds of personal data the scrubber finds. */
export const PII_KINDS = ['email', 'url', 'ip', 'phone', 'credit-card', 'iban', 'national-id', 'name'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

/** The typed placeholder of each kind, e.g. `[EMAIL]`. */
export const PLACEHOLDERS: Record<PiiKind, string> = {
  email: 'EMAIL',
  url: 'URL',
  ip: 'IP',
  phone: 'PHONE',
  'credit-card': 'CREDIT_CARD',
  iban: 'IBAN',
  'national-id': 'NATIONAL_ID',
  name: 'NAME',
};

/**
 * How specific a match of each kind is, for overlaps of equal length: a checksum-validated number
 * beats a shape-only one, and a pattern beats a listed name.
 */
export const SPECIFICITY: Record<PiiKind, number> = {
  'national-id': 7,
  'credit-card': 6,
  iban: 5,
  email: 4,
  url: 3,
  ip: 2,
  phone: 1,
  name: 0,
};

/** One piece of personal data found in a text: [start, end) in UTF-16 code units. */
export interface PiiSpan {
  kind: PiiKind;
  start: number;
  end: number;
  /** The matched text. */
  text: string;
}
