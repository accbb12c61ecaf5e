/**
 * The CA a target's certificates chain to, when it is not a public one (profile tls.caFile; the reference's run CA
 * in its https mode): trusted by every TLS client of this kit process — undici (support/http/exchange.ts), jose,
 * the TLS probes — for this run only, on top of Node's usual roots. Nothing is written to the machine's trust store.
 */
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';

const trusted = new Set<string>();

export class TargetCaError extends Error {
  constructor(detail: string) {
    super(`the target's CA certificate (tls.caFile) cannot be used: ${detail}`);
    this.name = 'TargetCaError';
  }
}

/** Checks that `pem` holds at least one certificate; returns the certificates, one PEM each. */
export function certificatesOf(pem: string): string[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new TargetCaError('no PEM certificate (-----BEGIN CERTIFICATE-----) in it');
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw new TargetCaError(`a certificate in it does not parse (${(error as Error).message})`);
    }
  }
  return blocks.map((b) => `${b}\n`);
}

/** Adds the target's CA certificates to the default trust of this process (Node 22.19 / 24.5: tls.setDefaultCACertificates). */
export function trustTargetCa(pem: string | undefined): void {
  if (!pem || trusted.has(pem)) return;
  const certificates = certificatesOf(pem);
  const set = (tls as { setDefaultCACertificates?: (certs: string[]) => void }).setDefaultCACertificates;
  if (!set) throw new TargetCaError(`this Node (${process.version}) cannot add a CA to its default trust (tls.setDefaultCACertificates needs Node 22.19 or 24.5)`);
  set([...tls.getCACertificates('default'), ...certificates]);
  trusted.add(pem);
}

/** The trust the TLS probes use: Node's default roots plus the target's CA. */
export function trustFor(pem: string | undefined): string[] {
  return [...tls.getCACertificates('default'), ...(pem ? certificatesOf(pem) : [])];
}
