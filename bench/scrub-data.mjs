// A generated labelled set for bench/scrub.mjs: sentences with personal data of known kinds and
// spans, mixed with hard negatives that look like them (version numbers, dates, order ids, ISBNs,
// timestamps, card-like numbers failing Luhn, IBAN-like strings failing mod 97, id-like numbers with
// a wrong check digit, prices, hashes). Deterministic for a seed.

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FIRST = [
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'Michael',
  'Linda',
  'Sofia',
  'Lukas',
  'Emma',
  'Mateo',
  'Chloé',
  'Jürgen',
  'Aoife',
  'Priya',
  'Olusegun',
];
export const LAST = [
  'Smith',
  'Johnson',
  'Garcia',
  'Müller',
  'Rossi',
  'Dubois',
  'Kowalski',
  "O'Brien",
  'Nakamura',
  'Okafor',
  'Haddad',
  'Novak',
];
export const CJK_NAMES = ['王芳', '李娜', '张伟', '刘洋', '陈静', '杨磊'];

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.co.uk', 'uni-example.edu', 'example.de', 'example.cn'];

function luhnCheckDigit(body) {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

function mod97(s) {
  let rest = 0;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    const v = c >= 65 ? c - 55 : c - 48;
    rest = v >= 10 ? (rest * 100 + v) % 97 : (rest * 10 + v) % 97;
  }
  return rest;
}

const CN_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const cnCheck = (s17) => '10X98765432'[[...s17].reduce((a, c, i) => a + Number(c) * CN_W[i], 0) % 11];

export function makeGenerator(seed) {
  const r = mulberry32(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
  const digits = (n) => Array.from({ length: n }, () => int(0, 9)).join('');
  const group = (s, sizes, sep) => {
    const out = [];
    let at = 0;
    for (const n of sizes) {
      out.push(s.slice(at, at + n));
      at += n;
    }
    return out.join(sep);
  };
  const name = () => `${pick(FIRST)} ${pick(LAST)}`;
  const card = () => {
    const [prefix, len, sizes] = pick([
      ['4', 16, [4, 4, 4, 4]],
      ['51', 16, [4, 4, 4, 4]],
      ['55', 16, [4, 4, 4, 4]],
      ['2221', 16, [4, 4, 4, 4]],
      ['34', 15, [4, 6, 5]],
      ['37', 15, [4, 6, 5]],
      ['6011', 16, [4, 4, 4, 4]],
      ['3530', 16, [4, 4, 4, 4]],
      ['62', 19, [4, 4, 4, 4, 3]],
    ]);
    const body = prefix + digits(len - prefix.length - 1);
    const full = body + luhnCheckDigit(body);
    return group(full, sizes, pick(['', ' ', '-']));
  };
  const iban = () => {
    const [cc, bban] = pick([
      ['DE', () => digits(18)],
      ['GB', () => pick(['WEST', 'NWBK', 'BARC']) + digits(14)],
      ['FR', () => digits(10) + 'ABC' + digits(8) + digits(2)],
      ['NL', () => pick(['ABNA', 'INGB', 'RABO']) + digits(10)],
      ['ES', () => digits(20)],
      ['IT', () => 'X' + digits(10) + digits(12)],
    ]);
    const b = bban();
    const check = String(98 - mod97(b + cc + '00')).padStart(2, '0');
    const compact = cc + check + b;
    return r() < 0.5 ? compact : compact.replace(/(.{4})(?=.)/g, '$1 ');
  };
  const cnId = () => {
    const year = int(1950, 2005);
    const month = String(int(1, 12)).padStart(2, '0');
    const day = String(int(1, 28)).padStart(2, '0');
    const s17 = pick(['110105', '310104', '440301', '510107', '330106']) + year + month + day + digits(3);
    return s17 + cnCheck(s17);
  };
  const ssn = () =>
    `${int(1, 665)}`.padStart(3, '0') + '-' + String(int(1, 99)).padStart(2, '0') + '-' + String(int(1, 9999)).padStart(4, '0');
  const phone = () =>
    pick([
      () => `+1 (${int(201, 989)}) ${int(200, 999)}-${digits(4)}`,
      () => `(${int(201, 989)}) ${int(200, 999)}-${digits(4)}`,
      () => `${int(201, 989)}-${int(200, 999)}-${digits(4)}`,
      () => `+44 20 ${int(7000, 8999)} ${digits(4)}`,
      () => `07${digits(3)} ${digits(6)}`,
      () => `+49 30 ${digits(8)}`,
      () => `030 ${digits(7)}`,
      () => `+33 6 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`,
      () => `0${int(1, 7)} ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`,
      () => `1${int(3, 9)}${digits(1)} ${digits(4)} ${digits(4)}`,
      () => `+86 1${int(3, 9)}${digits(1)}-${digits(4)}-${digits(4)}`,
      () => `1${int(3, 9)}${digits(9)}`,
      () => `010-${int(2, 8)}${digits(7)}`,
      () => `0${pick(['755', '571', '21', '20'])}-${int(2, 8)}${digits(7)}`,
    ])();
  const email = () => {
    const user = pick([
      () =>
        `${pick(FIRST).toLowerCase()}.${pick(LAST)
          .toLowerCase()
          .replace(/[^a-z]/g, '')}`,
      () =>
        `${pick(LETTERS)}${pick(LAST)
          .toLowerCase()
          .replace(/[^a-z]/g, '')}${int(1, 99)}`,
      () => `info+${pick(['news', 'billing', 'support'])}`,
    ])();
    return `${user}@${pick(DOMAINS)}`;
  };
  const url = () =>
    pick([
      () => `https://${pick(['www.', ''])}${pick(DOMAINS)}/${pick(['account', 'orders', 'u'])}/${digits(6)}`,
      () => `http://${pick(DOMAINS)}/profile?id=${digits(5)}&ref=mail`,
      () => `www.${pick(DOMAINS)}/${pick(LETTERS)}${digits(3)}`,
    ])();
  const ip = () =>
    pick([
      () => `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
      () => `2001:db8:${int(1, 0xffff).toString(16)}::${int(1, 0xffff).toString(16)}:${int(1, 0xffff).toString(16)}`,
      () => `fe80::${int(1, 0xffff).toString(16)}:${int(1, 0xffff).toString(16)}%eth0`,
    ])();

  const GEN = {
    email,
    url,
    ip,
    phone,
    'credit-card': card,
    iban,
    'national-id': () => (r() < 0.6 ? cnId() : ssn()),
    name: () => (r() < 0.25 ? pick(CJK_NAMES) : r() < 0.5 ? pick(FIRST) + ' ' + pick(LAST) : name()),
  };

  const negative = () =>
    pick([
      () => `version ${int(0, 9)}.${int(0, 30)}.${int(0, 99)}`,
      () => `v${int(1, 9)}.${int(0, 9)}.${int(0, 9)}.${int(0, 99)}`,
      () => `${int(2015, 2025)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`,
      () => `${String(int(1, 28)).padStart(2, '0')}.${String(int(1, 12)).padStart(2, '0')}.${int(2015, 2025)}`,
      () => `${String(int(1, 12)).padStart(2, '0')}/${String(int(1, 28)).padStart(2, '0')}/${int(2015, 2025)}`,
      () =>
        `${int(2015, 2025)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}T${String(int(0, 23)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}Z`,
      () => `${String(int(0, 23)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}`,
      () => `order #${digits(9)}`,
      () => `ORD-${int(2015, 2025)}-${digits(6)}`,
      () => `invoice ${int(2015, 2025)}${digits(6)}`,
      () => `ISBN 978-${int(0, 9)}-${digits(3)}-${digits(5)}-${int(0, 9)}`,
      () => `tracking ${digits(12)}`,
      () => {
        // a 16-digit card-like number with a known prefix that fails Luhn
        const body = '4' + digits(14);
        const bad = String((Number(luhnCheckDigit(body)) + int(1, 9)) % 10);
        return group(body + bad, [4, 4, 4, 4], pick([' ', '-', '']));
      },
      () => {
        // an IBAN-like string with wrong check digits
        const b = digits(18);
        const good = 98 - mod97(b + 'DE00');
        return `DE${String((good + int(1, 50)) % 97).padStart(2, '0')}${b}`;
      },
      () => {
        const id = cnId();
        const wrong = '0123456789X'.replace(id[17], '');
        return id.slice(0, 17) + wrong[int(0, wrong.length - 1)];
      },
      () => `$${int(1, 99)},${digits(3)}.${digits(2)}`,
      () => `${int(1, 999)}.${digits(2)} kg`,
      () => `sha ${Array.from({ length: 12 }, () => '0123456789abcdef'[int(0, 15)]).join('')}`,
      () => `pi is ${3}.${digits(8)}`,
      () => `ratio ${int(1, 20)}:${int(1, 20)}`,
      () => `room ${int(100, 999)}-${int(10, 99)}`,
      () => `zip ${digits(5)}`,
    ])();

  const TEMPLATES = [
    (a, b) => `Customer ${a} asked about ${b} yesterday.`,
    (a, b) => `Please update the record: ${a}; previous value ${b}.`,
    (a, b) => `From the ticket — contact: ${a} (ref ${b})`,
    (a, b) => `${a} was mentioned next to ${b} in the log.`,
    (a, b) => `客户信息：${a}，备注 ${b}。`,
    (a, b) => `Nota: ${a} / ${b}`,
  ];

  /** One labelled line: text and its gold spans [{kind, start, end}]. */
  function line() {
    const parts = [];
    for (let s = 0; s < 2; s++) {
      if (r() < 0.55) {
        const kind = pick(Object.keys(GEN));
        parts.push({ kind, text: GEN[kind]() });
      } else parts.push({ kind: null, text: negative() });
    }
    const marks = ['\u0001', '\u0002'];
    const template = pick(TEMPLATES)(marks[0], marks[1]);
    let text = '';
    const spans = [];
    for (const ch of template) {
      const k = marks.indexOf(ch);
      if (k < 0) {
        text += ch;
        continue;
      }
      const p = parts[k];
      if (p.kind) spans.push({ kind: p.kind, start: text.length, end: text.length + p.text.length });
      text += p.text;
    }
    return { text, spans };
  }
  return { line };
}

/** `n` labelled lines and the names list the scrubber is given (every name the generator uses). */
export function labelledLines(n, seed = 1) {
  const g = makeGenerator(seed);
  const lines = Array.from({ length: n }, () => g.line());
  const names = [...FIRST.flatMap((f) => LAST.map((l) => `${f} ${l}`)), ...CJK_NAMES];
  return { lines, names };
}
