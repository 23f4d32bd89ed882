// Certificates for a TLS Redis on 127.0.0.1, made with openssl: a CA, and a server certificate it signed.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireCommand } from './redis-server.mjs';

const run = promisify(execFile);

/** Writes `ca.crt`, `server.key` and `server.crt` (for IP 127.0.0.1) into `dir`; resolves their paths. */
export async function makeTlsCertificates(dir) {
  const openssl = requireCommand('openssl');
  const file = (name) => join(dir, name);
  const days = ['-days', '2'];
  await run(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.crt'), ...days, '-subj', '/CN=cache-worker test CA']);
  await run(openssl, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1']);
  await writeFile(file('server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  await run(openssl, ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.crt'), ...days, '-extfile', file('server.ext')]);
  return { ca: file('ca.crt'), cert: file('server.crt'), key: file('server.key') };
}
