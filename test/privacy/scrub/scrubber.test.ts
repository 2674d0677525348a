import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FileFormatError, UsageError } from '../../../src/errors.js';
import { LineCorpus } from '../../../src/text/line-corpus.js';
import { NameList } from '../../../src/privacy/scrub/names.js';
import { scrubFile } from '../../../src/privacy/scrub/scrub-file.js';
import { ScrubbedCorpus } from '../../../src/privacy/scrub/scrubbed-corpus.js';
import { Scrubber } from '../../../src/privacy/scrub/scrubber.js';
import type { PiiKind } from '../../../src/privacy/scrub/kinds.js';

const scrubber = new Scrubber();
const kindsIn = (text: string): PiiKind[] => scrubber.find(text).map((s) => s.kind);
const only = (text: string) => scrubber.find(text).map((s) => [s.kind, s.text]);

const dir = mkdtempSync(join(tmpdir(), 'scrub-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Scrubber: what it finds', () => {
  it('e-mail addresses and URLs (trailing punctuation and unopened brackets left out)', () => {
    expect(only('Write to john.doe+news@example.co.uk, or Mary_O@mail.example.org.')).toEqual([
      ['email', 'john.doe+news@example.co.uk'],
      ['email', 'Mary_O@mail.example.org'],
    ]);
    expect(only('See https://example.com/a/b?q=1&r=2. Also (www.example.org/docs) and ftp://files.example.net/x.')).toEqual([
      ['url', 'https://example.com/a/b?q=1&r=2'],
      ['url', 'www.example.org/docs'],
      ['url', 'ftp://files.example.net/x'],
    ]);
    expect(kindsIn('a URL wraps an e-mail: https://example.com/?to=a.b@example.org')).toEqual(['url']);
  });

  it('phone numbers: E.164, North American, European, Chinese mobile and landline', () => {
    const phones = [
      '+1 (415) 555-2671',
      '(415) 555-2671',
      '415-555-2671',
      '+44 20 7946 0958',
      '020 7946 0958',
      '+49 30 12345678',
      '06 12 34 56 78',
      '+33 6 12 34 56 78',
      '138 0013 8000',
      '+86 138-0013-8000',
      '13800138000',
      '008613800138000',
      '010-12345678',
      '0755-88888888',
      '+86 10 1234 5678',
    ];
    for (const p of phones) expect(only(`call ${p} now`), p).toEqual([['phone', p]]);
    expect(only('客服电话13800138000，座机010-12345678。')).toEqual([
      ['phone', '13800138000'],
      ['phone', '010-12345678'],
    ]);
  });

  it('payment cards (Luhn + issuer), IBANs (mod 97), national ids, IP addresses', () => {
    expect(only('card 4111 1111 1111 1111 or 5500-0000-0000-0004 or 378282246310005')).toEqual([
      ['credit-card', '4111 1111 1111 1111'],
      ['credit-card', '5500-0000-0000-0004'],
      ['credit-card', '378282246310005'],
    ]);
    expect(only('IBAN DE89 3704 0044 0532 0130 00 and GB82WEST12345698765432')).toEqual([
      ['iban', 'DE89 3704 0044 0532 0130 00'],
      ['iban', 'GB82WEST12345698765432'],
    ]);
    expect(only('身份证号11010519491231002X，SSN 123-45-6789')).toEqual([
      ['national-id', '11010519491231002X'],
      ['national-id', '123-45-6789'],
    ]);
    expect(only('from 192.168.1.20 and 2001:db8::8a2e:370:7334 and fe80::1%eth0')).toEqual([
      ['ip', '192.168.1.20'],
      ['ip', '2001:db8::8a2e:370:7334'],
      ['ip', 'fe80::1%eth0'],
    ]);
  });

  it('leaves hard negatives alone', () => {
    const negatives = [
      'version 2.14.1 and v1.2.3.4 and 1.2.3.4.5',
      'released 2023-04-05, updated 05.06.2023 at 12:30:45',
      'ISBN 978-3-16-148410-0 and 0-306-40615-2',
      'order #123456789 / invoice 2023-000184',
      'timestamp 2024-01-15T10:30:00Z, pi 3.14159, 10.5 kg',
      'card-like 4111 1111 1111 1112 fails Luhn',
      'IBAN-like DE89 3704 0044 0532 0130 01 fails mod 97',
      'id-like 110105194912310021 has a wrong check digit; SSN 000-12-3456 is not issued',
      'a clock 12:30 and a ratio 3:2 and a MAC-ish a:b',
    ];
    for (const n of negatives) expect(only(n), n).toEqual([]);
  });

  it('listed names: case-insensitive whole words, CJK names anywhere, longest first', () => {
    const names = new NameList(['Ann', 'Mary Ann Smith', '张伟']);
    const s = new Scrubber({ names });
    expect(s.scrub('Annual report by ANN and mary  ann smith.')).toBe('Annual report by [NAME] and [NAME].');
    expect(s.scrub('张伟的电话是13800138000')).toBe('[NAME]的电话是[PHONE]');
    expect(s.scrub('ann@example.com')).toBe('[EMAIL]'); // the longer match wins
    expect(s.counts).toMatchObject({ name: 3, phone: 1, email: 1 });
  });
});

describe('Scrubber: replacements', () => {
  it('typed placeholders and counts per kind; kinds can be chosen', () => {
    const s = new Scrubber();
    expect(s.scrub('mail a@b.io or c@d.io from 10.0.0.1')).toBe('mail [EMAIL] or [EMAIL] from [IP]');
    expect(s.counts.email).toBe(2);
    expect(s.counts.ip).toBe(1);
    expect(s.total).toBe(3);
    expect(new Scrubber({ kinds: ['ip'] }).scrub('mail a@b.io from 10.0.0.1')).toBe('mail a@b.io from [IP]');
    expect(() => new Scrubber({ kinds: ['name'] })).toThrow(UsageError);
    expect(() => new Scrubber({ mode: 'hash' })).toThrow(/key/);
  });

  it('keyed hashes: equal values (in any spelling) map equal, other values or keys differ', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const s = new Scrubber({ mode: 'hash', key });
    const out = s.scrub('John.Doe@Example.com wrote to john.doe@example.com and jane@example.com');
    const tags = out.match(/\[EMAIL:[0-9a-f]{12}\]/g) as string[];
    expect(tags).toHaveLength(3);
    expect(tags[0]).toBe(tags[1]);
    expect(tags[2]).not.toBe(tags[0]);
    expect(s.scrub('+86 138-0013-8000')).toBe(s.scrub('13800138000'));
    const other = new Scrubber({ mode: 'hash', key: Buffer.from('another key of sixteen+ bytes') });
    expect(other.scrub('john.doe@example.com')).not.toBe(tags[0]);
    expect(out).not.toMatch(/doe/i);
  });
});

describe('scrubFile and ScrubbedCorpus', () => {
  it('streams a file (gzip too) keeping every byte but the replaced values, in bounded memory', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? `row ${i}: mail u${i}@example.com\r` : `row ${i}: nothing here`));
    const text = `${lines.join('\n')}\nlast line without end 10.1.2.3`;
    writeFileSync(join(dir, 'in.txt.gz'), gzipSync(text));
    const s = new Scrubber();
    const r = await scrubFile(join(dir, 'in.txt.gz'), join(dir, 'out.txt'), s, { maxLineChars: 64 });
    expect(r.lines).toBe(2001);
    const out = readFileSync(join(dir, 'out.txt'), 'utf8');
    expect(out).toBe(text.replace(/u\d+@example\.com/g, '[EMAIL]').replace('10.1.2.3', '[IP]'));
    expect(s.counts.email).toBe(667);
  });

  it('cuts a line longer than the bound at white space, not inside a value', async () => {
    const long = Array.from({ length: 500 }, (_, i) => `w${i} x${i}@example.com`).join(' ');
    writeFileSync(join(dir, 'long.txt'), long);
    await scrubFile(join(dir, 'long.txt'), join(dir, 'long-out.txt'), new Scrubber(), { maxLineChars: 100 });
    expect(readFileSync(join(dir, 'long-out.txt'), 'utf8')).toBe(long.replace(/x\d+@example\.com/g, '[EMAIL]'));
  });

  it('names the file on invalid UTF-8 and leaves no output', async () => {
    writeFileSync(join(dir, 'bad.txt'), Buffer.from([0x61, 0x0a, 0xff, 0xfe, 0x0a]));
    await expect(scrubFile(join(dir, 'bad.txt'), join(dir, 'bad-out.txt'), new Scrubber())).rejects.toThrow(FileFormatError);
    await expect(scrubFile(join(dir, 'bad.txt'), join(dir, 'bad-out.txt'), new Scrubber())).rejects.toThrow(/bad\.txt.*UTF-8/);
    expect(() => readFileSync(join(dir, 'bad-out.txt'))).toThrow();
  });

  it('a scrubbed corpus yields scrubbed lines on every pass', async () => {
    const corpus = new ScrubbedCorpus(new LineCorpus(['mail me at a@b.io', 'plain']), new Scrubber());
    for (let pass = 0; pass < 2; pass++) {
      const got: string[] = [];
      for await (const line of corpus.lines()) got.push(line);
      expect(got).toEqual(['mail me at [EMAIL]', 'plain']);
    }
  });
});
