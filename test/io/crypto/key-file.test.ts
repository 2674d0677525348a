import fs from 'node:fs';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { withEncryptionKey } from '../../../src/io/crypto/context.js';
import { generateKeyFile, loadKeyFile, parseKeyFile } from '../../../src/io/crypto/key-file.js';
import { keyIdOf } from '../../../src/io/crypto/keys.js';
import { makeTempDir } from '../helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

describe('key files', () => {
  it('generateKeyFile writes 64 hex digits, mode 0600, in plain even with a key in effect; refuses to replace a key', async () => {
    const file = tmp.file('k.hex');
    const outer = parseKeyFile('outer', Buffer.from('ab'.repeat(32)));
    const key = await withEncryptionKey(outer, () => generateKeyFile(file));
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^[0-9a-f]{64}\n$/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(key.id).toBe(Buffer.from(keyIdOf(Buffer.from(text.trim(), 'hex'))).toString('hex'));
    expect((await loadKeyFile(file)).id).toBe(key.id);
    await expect(generateKeyFile(file)).rejects.toThrow(/exists; a new key would replace the old one/);
    const again = await generateKeyFile(file, { overwrite: true });
    expect(again.id).not.toBe(key.id);
  });

  it('reads hex keys (either case, CRLF) and passphrases; rejects short, binary and missing files', async () => {
    const hex = 'AB'.repeat(32);
    expect(parseKeyFile('a', Buffer.from(`${hex}\r\n`)).kind).toBe('raw');
    expect(parseKeyFile('a', Buffer.from(hex.toLowerCase())).id).toBe(parseKeyFile('b', Buffer.from(hex)).id);
    expect(parseKeyFile('p', Buffer.from('a long passphrase\n')).kind).toBe('passphrase');
    expect(() => parseKeyFile('short', Buffer.from('seven!!'))).toThrow(/short: empty or too short/);
    expect(() => parseKeyFile('empty', Buffer.alloc(0))).toThrow(UsageError);
    expect(() => parseKeyFile('raw32', Buffer.alloc(32, 0xff))).toThrow(/raw32: not text \(32 raw bytes\? write them as 64 hex digits/);
    await expect(loadKeyFile(tmp.file('missing'))).rejects.toThrow(/key file .*missing: not found/);
    await expect(loadKeyFile(tmp.dir)).rejects.toThrow(/is a directory/);
    fs.writeFileSync(tmp.file('big'), Buffer.alloc(5000, 0x61));
    await expect(loadKeyFile(tmp.file('big'))).rejects.toThrow(/5000 bytes, not a key file/);
  });

  it('never prints the secret', () => {
    const secret = 'cd'.repeat(32);
    const key = parseKeyFile('k.hex', Buffer.from(secret));
    for (const shown of [String(key), inspect(key), JSON.stringify(key), inspect({ key }, { showHidden: true, depth: 5 })])
      expect(shown).not.toContain(secret.slice(0, 16));
    expect(String(key)).toBe('EncryptionKey(raw, k.hex)');
  });
});
