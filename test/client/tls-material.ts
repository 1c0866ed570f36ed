/**
 * Throwaway TLS certificates generated at test time with the `openssl` binary (nothing secret is committed):
 * a test CA, a leaf for localhost/127.0.0.1 it signed, a leaf for another host name, an expired leaf,
 * and a self-signed certificate. Reusable by any test that needs HTTPS (e.g. `serve --tls-cert`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair {
  cert: string;
  key: string;
}

export interface TlsMaterial {
  /** PEM of the CA that signed `valid`, `wrongHost` and `expired`. */
  ca: string;
  valid: KeyPair;
  /** Valid and CA-signed, but only for wrong-host.example. */
  wrongHost: KeyPair;
  /** CA-signed for localhost, valid only in January 2020. */
  expired: KeyPair;
  /** Self-signed for localhost/127.0.0.1, trusted by nothing unless given as a CA. */
  selfSigned: KeyPair;
}

const CA_CONFIG = `[ca]
default_ca = test_ca
[test_ca]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any_cn
copy_extensions = none
unique_subject = no
[any_cn]
commonName = supplied
[localhost]
subjectAltName = DNS:localhost,IP:127.0.0.1
basicConstraints = CA:FALSE
[wrong_host]
subjectAltName = DNS:wrong-host.example
basicConstraints = CA:FALSE
`;

let cached: TlsMaterial | undefined;

export function tlsMaterial(): TlsMaterial {
  cached ??= generate();
  return cached;
}

function generate(): TlsMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'scim-check-tls-'));
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '1000\n');
    openssl('req', '-x509', ...newKey, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=scim-check test CA');
    const signed = (name: string, section: string, dates: string[]): KeyPair => {
      openssl('req', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=scim-check test leaf');
      openssl('ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-extensions', section,
        '-in', `${name}.csr`, '-out', `${name}.crt`, '-notext', ...dates);
      return { cert: read(`${name}.crt`), key: read(`${name}.key`) };
    };
    const material: TlsMaterial = {
      ca: read('ca.crt'),
      valid: signed('valid', 'localhost', ['-days', '2']),
      wrongHost: signed('wrong', 'wrong_host', ['-days', '2']),
      expired: signed('expired', 'localhost', ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z']),
      selfSigned: { cert: '', key: '' },
    };
    openssl('req', '-x509', ...newKey, '-keyout', 'self.key', '-out', 'self.crt', '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1');
    material.selfSigned = { cert: read('self.crt'), key: read('self.key') };
    return material;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`could not generate test certificates with openssl (is it installed?): ${stderr || String(error)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
