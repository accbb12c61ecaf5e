/**
 * What the TLS checks (issue 19, RFC 9325) observe: handshakes with one TLS version offered alone, the certificate an
 * https endpoint presents, and the plain-http twin of the token endpoint. Pure observation; judges.ts grades it.
 */
import { connect, createServer, checkServerIdentity, type PeerCertificate, type SecureVersion, type TLSSocket } from 'node:tls';
import { isIP, type AddressInfo } from 'node:net';
import type { HttpsEndpoint } from './endpoints.ts';
import { trustFor } from './trust.ts';

export type TlsVersion = Extract<SecureVersion, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'>;
export const VERSION_NAMES: Readonly<Record<TlsVersion, string>> = { TLSv1: 'TLS 1.0', 'TLSv1.1': 'TLS 1.1', 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };
const LEGACY: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1'];

export interface HandshakeOutcome {
  readonly connected: boolean;
  /** The negotiated protocol (getProtocol()), when connected. */
  readonly protocol?: string;
  /** Why there was no connection (an OpenSSL alert, a reset, a timeout). */
  readonly error?: string;
  /** OpenSSL's verdict on the chain and validity (not the host: that is judged apart), when connected. */
  readonly authorizationError?: string;
  readonly certificate?: PeerCertificate;
}

interface HandshakeOptions {
  /** Offer this version alone (min = max). */
  readonly version?: TlsVersion;
  /** The CA certificate(s) to trust besides Node's roots. */
  readonly caPem?: string;
  readonly timeoutMs?: number;
}

/**
 * One TLS handshake. Never rejects on the certificate: its chain verdict is read from authorizationError and its
 * host from the certificate, so one defect does not hide another. Legacy versions are offered at OpenSSL security
 * level 0, as a client that still speaks them would.
 */
export function handshake(endpoint: Pick<HttpsEndpoint, 'host' | 'port'>, options: HandshakeOptions = {}): Promise<HandshakeOutcome> {
  const { version } = options;
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: HandshakeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const socket: TLSSocket = connect({
      host: endpoint.host,
      port: endpoint.port,
      ...(isIP(endpoint.host) ? {} : { servername: endpoint.host }),
      ...(version ? { minVersion: version, maxVersion: version } : {}),
      ...(version && LEGACY.includes(version) ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
      ca: trustFor(options.caPem),
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    const timer = setTimeout(() => done({ connected: false, error: `no handshake within ${options.timeoutMs ?? 10_000} ms` }), options.timeoutMs ?? 10_000);
    socket.once('secureConnect', () =>
      done({
        connected: true,
        protocol: socket.getProtocol() ?? 'unknown',
        ...(socket.authorizationError ? { authorizationError: String(socket.authorizationError) } : {}),
        certificate: socket.getPeerCertificate(),
      }),
    );
    socket.once('error', (error: NodeJS.ErrnoException) => done({ connected: false, error: `${error.code ?? 'error'}: ${error.message}` }));
    socket.once('close', () => done({ connected: false, error: 'the server closed the connection during the handshake' }));
  });
}

/** RFC 9525 §6 / RFC 9110 §4.3.4: does the certificate name the host (DNS-ID or IP-ID)? undefined when it does. */
export function hostMismatch(host: string, certificate: PeerCertificate): string | undefined {
  return checkServerIdentity(host, certificate)?.message;
}

const selfTests = new Map<TlsVersion, Promise<string | undefined>>();

/**
 * Can this machine's OpenSSL offer `version` at all? A handshake with a local server that accepts every version,
 * once per run. undefined when it can; else why not (then a refusal by the target proves nothing).
 */
export function localOpensslOffers(version: TlsVersion): Promise<string | undefined> {
  let known = selfTests.get(version);
  if (!known) {
    known = (async () => {
      // Loaded here, not with the module: @peculiar/x509 costs every cucumber worker ~0.35 s, and only this needs it.
      const { TestCertificateAuthority } = await import('./test-ca.ts');
      const ca = await TestCertificateAuthority.create('auth-ctk TLS self-test CA');
      const certificate = await ca.issueServerCertificate({ ipAddresses: ['127.0.0.1'] });
      const server = createServer({ cert: certificate.certificatePem, key: certificate.privateKeyPem, minVersion: 'TLSv1', maxVersion: 'TLSv1.3', ciphers: 'DEFAULT@SECLEVEL=0' }, (s) => s.end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const outcome = await handshake({ host: '127.0.0.1', port: (server.address() as AddressInfo).port }, { version, timeoutMs: 5_000 });
        if (outcome.connected && outcome.protocol === version) return undefined;
        return `this machine's OpenSSL cannot offer ${VERSION_NAMES[version]} (a local server that accepts it: ${outcome.error ?? `negotiated ${outcome.protocol}`})`;
      } finally {
        server.close();
      }
    })();
    selfTests.set(version, known);
  }
  return known;
}

