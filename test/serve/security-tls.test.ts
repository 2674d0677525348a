// HTTPS with --tls-cert/--tls-key: a self-signed certificate made by the real openssl CLI, a
// client that trusts it (and one that does not), and clear errors naming a missing or bad file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFormatError, UsageError } from '../../src/errors.js';
import type { Resource } from '../../src/serve/resources/types.js';
import { loadTlsCredentials } from '../../src/serve/security/tls.js';
import { buildServer } from '../../src/serve/server.js';
import { load, writeTinyVectors } from './fixtures.js';
import { httpsGet, listen } from './security-helpers.js';

let dir: string;
let resources: Resource[];
let cert: string;
let key: string;

/** A self-signed P-256 certificate for 127.0.0.1/localhost, valid one day. */
function selfSigned(name: string): { cert: string; key: string } {
  const out = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost'].concat([
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      out.key,
      '-out',
      out.cert,
    ]),
    { stdio: 'ignore' },
  );
  return out;
}

beforeAll(async () => {
  expect(execFileSync('openssl', ['version'], { encoding: 'utf8' })).toMatch(/^OpenSSL 3/);
  dir = mkdtempSync(join(tmpdir(), 'ek-serve-tls-'));
  resources = await load([['tiny', writeTinyVectors(dir)]]);
  ({ cert, key } = selfSigned('server'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('HTTPS', () => {
  it('serves the API over TLS to a client that trusts the certificate; others refuse it', async () => {
    const live = await listen({ models: resources, tls: { certFile: cert, keyFile: key }, token: 'tls-token' });
    try {
      expect(live.url).toMatch(/^https:\/\//);
      const r = await httpsGet(`${live.url}/healthz`, readFileSync(cert));
      expect(r).toEqual({ status: 200, body: '{"status":"ok"}' });
      expect((await httpsGet(`${live.url}/v1/models`, readFileSync(cert))).status).toBe(401);
      await expect(httpsGet(`${live.url}/healthz`, undefined)).rejects.toThrow(/self.signed certificate/i);
    } finally {
      await live.app.close();
    }
  });

  it('names the missing or bad file', async () => {
    const missing = join(dir, 'missing.crt');
    expect(() => loadTlsCredentials({ certFile: missing, keyFile: key })).toThrow(
      new UsageError(`TLS certificate file ${missing} does not exist`),
    );
    expect(() => loadTlsCredentials({ certFile: cert, keyFile: join(dir, 'missing.key') })).toThrow(
      `TLS key file ${join(dir, 'missing.key')} does not exist`,
    );
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate\n');
    expect(() => loadTlsCredentials({ certFile: garbage, keyFile: key })).toThrow(FileFormatError);
    expect(() => loadTlsCredentials({ certFile: garbage, keyFile: key })).toThrow(`${garbage}: not a PEM certificate`);
    expect(() => loadTlsCredentials({ certFile: cert, keyFile: garbage })).toThrow(`${garbage}: not a PEM private key`);
    // the certificate as its own key, and the key of another certificate
    expect(() => loadTlsCredentials({ certFile: cert, keyFile: cert })).toThrow(`${cert}: not a PEM private key`);
    const other = selfSigned('other');
    expect(() => loadTlsCredentials({ certFile: cert, keyFile: other.key })).toThrow(
      `${other.key}: this private key does not belong to the certificate ${cert}`,
    );
    // an encrypted key
    const encrypted = join(dir, 'encrypted.key');
    execFileSync('openssl', ['pkey', '-in', key, '-aes256', '-passout', 'pass:pw', '-out', encrypted], { stdio: 'ignore' });
    expect(() => loadTlsCredentials({ certFile: cert, keyFile: encrypted })).toThrow(
      `${encrypted}: the private key is encrypted: give an unencrypted PEM key`,
    );
    // buildServer checks before anything listens
    await expect(buildServer({ models: resources, tls: { certFile: garbage, keyFile: key } })).rejects.toThrow(FileFormatError);
  });
});
