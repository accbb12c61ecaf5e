/**
 * The certificates of the reference's https mode (variation https-reference, issue 19): a CA made for the run
 * (support/tls/test-ca.ts) and one server certificate for the IdP's and the gateway's main listeners, valid for
 * 127.0.0.1 and localhost. The certificate faults issue a certificate for another host or one already expired
 * instead. The key is written to a temporary directory of the run (0700, files 0600) for the children to read and
 * removed when the stack stops; nothing is committed or reported. The CA's certificate travels in the target
 * description so the kit trusts it for this run only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestCertificateAuthority } from '../support/tls/test-ca.ts';
import { TLS_ENVIRONMENT } from './https.ts';

export const HTTPS_VARIATION = 'https-reference';

const DAY_MS = 24 * 3600 * 1000;

export interface ReferenceTlsMaterial {
  readonly caPem: string;
  /** The CA certificate's temporary file (auth-ctk serve prints it for a profile's tls.caFile). */
  readonly caFile: string;
  /** Environment for the children that serve https (certificate and key files, the CA for their own clients). */
  readonly environment: Record<string, string>;
  /** Removes the temporary files. */
  readonly dispose: () => void;
}

interface Switches {
  has(name: string): boolean;
}

/** The server certificate's request: right for the loopback host, unless a fault asks for a defect. */
export function serverCertificateRequest(faults: Switches, now = Date.now()) {
  const names = faults.has('certificate-for-another-host')
    ? { dnsNames: ['another-host.auth-ctk.invalid'] }
    : { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };
  const validity = faults.has('expired-certificate') ? { notBefore: new Date(now - 3 * DAY_MS), notAfter: new Date(now - DAY_MS) } : {};
  return { ...names, ...validity };
}

export async function referenceTlsMaterial(faults: Switches): Promise<ReferenceTlsMaterial> {
  const ca = await TestCertificateAuthority.create('auth-ctk reference test CA (this run only)');
  const server = await ca.issueServerCertificate(serverCertificateRequest(faults));
  const dir = mkdtempSync(join(tmpdir(), 'auth-ctk-tls-'));
  const write = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  const caFile = write('ca.pem', ca.certificatePem);
  return {
    caPem: ca.certificatePem,
    caFile,
    environment: {
      [TLS_ENVIRONMENT.certificate]: write('server.pem', server.certificatePem),
      [TLS_ENVIRONMENT.privateKey]: write('server-key.pem', server.privateKeyPem),
      // The gateway fetches the IdP's JWKS over https: it trusts the run's CA like any client given it.
      NODE_EXTRA_CA_CERTS: caFile,
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
