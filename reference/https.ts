/**
 * The reference's main listeners over https (issue 19, TLS on the main URLs, RFC 9325): the IdP and the gateway
 * serve their usual handler on an https server when the stack hands them a certificate (variation https-reference,
 * reference/tls-material.ts makes it). Kept apart from the mutual-TLS listeners (RFC 8705), which have their own.
 *
 * The TLS faults change only what this module sets up: the protocol versions offered, and whether the IdP's plain
 * http twin processes token requests instead of redirecting them.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { SecureVersion } from 'node:tls';

/** The certificate a main listener serves (PEM); the stack writes them to a run's temporary files. */
export interface MainListenerTls {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/** Environment the stack sets for a child serving https: files of the certificate and its key. */
export const TLS_ENVIRONMENT = { certificate: 'AUTH_CTK_TLS_CERT_FILE', privateKey: 'AUTH_CTK_TLS_KEY_FILE' } as const;

export function mainListenerTlsFromEnvironment(): MainListenerTls | undefined {
  const certificateFile = process.env[TLS_ENVIRONMENT.certificate];
  const keyFile = process.env[TLS_ENVIRONMENT.privateKey];
  if (!certificateFile || !keyFile) return undefined;
  return { certificatePem: readFileSync(certificateFile, 'utf8'), privateKeyPem: readFileSync(keyFile, 'utf8') };
}

interface Switches {
  has(name: string): boolean;
}

/**
 * TLS versions the listener negotiates: TLS 1.2 and 1.3 (RFC 9325 §3.1.1), unless a fault widens or narrows them.
 * OpenSSL 3 speaks TLS 1.0/1.1 only at security level 0 (their MD5/SHA-1 handshake signatures), hence the ciphers.
 */
export function versionOptions(faults: Switches): { minVersion: SecureVersion; maxVersion: SecureVersion; ciphers?: string } {
  const oldVersions = faults.has('tls-1.0-accepted') ? 'TLSv1' : faults.has('tls-1.1-accepted') ? 'TLSv1.1' : undefined;
  return {
    minVersion: oldVersions ?? (faults.has('tls-1.3-only') ? 'TLSv1.3' : 'TLSv1.2'),
    maxVersion: faults.has('tls-1.2-only') ? 'TLSv1.2' : 'TLSv1.3',
    ...(oldVersions ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** An http server, or with `tls` an https one, for the same handler (node:https's server is a node:http server too). */
export function createMainServer(handler: Handler, options: { tls?: MainListenerTls; faults: Switches; http?: ServerOptions }): Server {
  if (!options.tls) return createHttpServer(options.http ?? {}, handler);
  return createHttpsServer({ ...(options.http ?? {}), cert: options.tls.certificatePem, key: options.tls.privateKeyPem, ...versionOptions(options.faults) }, handler) as unknown as Server;
}

/**
 * The plain-http twin of an https IdP: what an operator who keeps port 80 open does. Conformant: it answers every
 * request with 308 to the https URL and reads nothing (RFC 6749 §3.2: the token endpoint MUST require TLS). Fault
 * token-endpoint-over-plain-http: it hands token requests to the IdP's handler, which processes credentials sent in
 * clear.
 */
export function createPlainTwin(httpsOrigin: () => string, handler: Handler, faults: Switches): Server {
  return createHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://twin.invalid').pathname;
    if (faults.has('token-endpoint-over-plain-http') && path === '/token') return handler(req, res);
    req.resume();
    res.writeHead(308, { location: `${httpsOrigin()}${req.url ?? '/'}`, 'content-length': '0', connection: 'close' });
    res.end();
  });
}
