import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ThrowawayPki {
  dir: string;
  caCertPath: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
}

/** A fresh CA and a server certificate for `names`, made with openssl for one test run. */
export async function createThrowawayPki(names: readonly string[]): Promise<ThrowawayPki> {
  const dir = await mkdtemp(join(tmpdir(), 'aigw-pki-'));
  const p = (f: string): string => join(dir, f);
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', '/CN=ai-gateway test CA']);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', `/CN=${names[0] ?? 'localhost'}`]);
  const san = names.map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  await writeFile(p('ext.cnf'), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`);
  await run('openssl', ['x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('server.pem'), '-days', '2', '-extfile', p('ext.cnf')]);
  return {
    dir,
    caCertPath: p('ca.pem'),
    caCert: await readFile(p('ca.pem'), 'utf8'),
    serverCert: await readFile(p('server.pem'), 'utf8'),
    serverKey: await readFile(p('server.key'), 'utf8'),
  };
}
