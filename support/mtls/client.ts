/**
 * The kit as a mutual-TLS client (issue 19, RFC 8705): token requests at the mTLS token endpoint presenting a
 * client certificate (§2), and gateway calls over the gateway's mTLS listener (§3). Each presented certificate gets
 * a connection pool of its own (undici Agent with `connect: { cert, key, ca }`), so a connection made with one
 * certificate never carries a request that should present another (or none).
 */
import type { Agent } from 'undici';
import type { CtkWorld } from '../world.ts';
import { jsonOf, pooledAgent, type Exchange } from '../http/exchange.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { paceTokenRequest } from '../oauth/token-client.ts';
import { addressForFailures } from '../oauth/source-address.ts';
import { sendGuarded } from '../oauth/own-address-guard.ts';
import type { CertificateAndKey, MtlsDescription, TargetDescription } from '../target/target.ts';
import { certificateThumbprintS256 } from '../tls/thumbprint.ts';

/** Which certificate a request presents. */
export type Presented = 'registered' | 'none' | 'other-subject' | 'untrusted';

export function mtlsOf(target: TargetDescription): MtlsDescription {
  if (!target.mtls) {
    throw new NotTestableError('the target profile describes no mutual TLS (mtls)', { remedy: 'give mtls: { clientId, certificate, privateKey, tokenEndpoint?, gatewayUrl?, caCertificate? } in the target profile' });
  }
  return target.mtls;
}

/** A certificate with the client's own subject from a CA this kit process makes: no server can trust it. */
let untrusted: Promise<CertificateAndKey> | undefined;
function untrustedCertificate(clientId: string): Promise<CertificateAndKey> {
  untrusted ??= (async () => {
    // Loaded here, not with the module: few scenarios need a CA, and @peculiar/x509 costs every worker ~0.35 s.
    const { TestCertificateAuthority } = await import('../tls/test-ca.ts');
    const ca = await TestCertificateAuthority.create('auth-ctk kit CA no target trusts (run-time)');
    const issued = await ca.issueClientCertificate({ commonName: clientId });
    return { certificatePem: issued.certificatePem, privateKeyPem: issued.privateKeyPem };
  })();
  return untrusted;
}

/** The certificate and key `presented` names; undefined for none. */
export async function certificateFor(mtls: MtlsDescription, presented: Presented): Promise<CertificateAndKey | undefined> {
  if (presented === 'none') return undefined;
  if (presented === 'registered') return mtls.client;
  if (presented === 'untrusted') return untrustedCertificate(mtls.clientId);
  if (!mtls.otherCertificate) {
    throw new NotTestableError('the target profile gives no certificate of another subject that the server trusts (mtls.otherCertificate)', {
      remedy: 'give mtls.otherCertificate (and its privateKey): a certificate from the CA the server trusts whose subject is not the mTLS client\'s',
    });
  }
  return mtls.otherCertificate;
}

/** The thumbprint (RFC 8705 §3.1) of the client's registered certificate. */
export const registeredThumbprint = (mtls: MtlsDescription): string => certificateThumbprintS256(mtls.client.certificatePem);

/** The connection pool that presents `certificate` (or none) and trusts the profile's CA. */
function agentFor(mtls: MtlsDescription, certificate: CertificateAndKey | undefined, timeoutMs: number, sourceAddress?: string): Agent {
  return pooledAgent({
    ...(sourceAddress ? { sourceAddress } : {}),
    timeoutMs,
    tls: { ...(mtls.caCertificatePem ? { ca: mtls.caCertificatePem } : {}), ...(certificate ? { cert: certificate.certificatePem, key: certificate.privateKeyPem } : {}) },
  });
}

/** The token endpoint over mTLS: the profile's, else the metadata's mtls_endpoint_aliases.token_endpoint (§5), else token_endpoint. */
export async function mtlsTokenEndpoint(world: CtkWorld, mtls: MtlsDescription): Promise<string> {
  if (mtls.tokenEndpoint) return mtls.tokenEndpoint;
  const alias = (await readMetadata(world))?.mtls_endpoint_aliases as Record<string, unknown> | undefined;
  return typeof alias?.token_endpoint === 'string' ? alias.token_endpoint : world.target.tokenEndpoint;
}

/** The authorization server's metadata document (RFC 8414), or undefined where the target names none. */
export async function readMetadata(world: CtkWorld): Promise<Record<string, unknown> | undefined> {
  const url = world.target.discoveryUrl;
  if (!url) return undefined;
  const exchange = await world.send({ method: 'GET', url, headers: { accept: 'application/json' } }, { keepAsLast: false });
  return exchange.response?.status === 200 ? jsonOf(exchange) : undefined;
}

/**
 * One client_credentials request of the mTLS client (client_id, no secret: RFC 8705 §2) presenting `presented`.
 * A request that should be refused goes out from a client IP of its own (a server may count it as a failed attempt).
 */
export async function requestMtlsToken(world: CtkWorld, presented: Presented, options: { keepAsLast?: boolean } = {}): Promise<Exchange> {
  const mtls = mtlsOf(world.target);
  const certificate = await certificateFor(mtls, presented);
  const url = await mtlsTokenEndpoint(world, mtls);
  // The registered certificate is the client's valid credential: guarded like a registered secret (own-address-guard.ts).
  // Measured against mtls-client-certificate-refused: its refusals from 127.0.0.1 got the run's own address blocked,
  // and REQ-TOK-01 failed beside REQ-MTLS-01 with 33 requirements not testable on connection errors.
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: mtls.clientId, ...(mtls.scope ? { scope: mtls.scope } : {}) });
  const timeoutMs = world.target.limits.requestTimeoutMs;
  const send = async (sourceAddress: string | undefined): Promise<Exchange> => {
    await paceTokenRequest(world, sourceAddress);
    return world.send(
      { method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString(), ...(sourceAddress ? { sourceAddress } : {}) },
      { keepAsLast: options.keepAsLast ?? true, dispatcher: agentFor(mtls, certificate, timeoutMs, sourceAddress) },
    );
  };
  return presented === 'registered' ? sendGuarded(world, send) : send(addressForFailures(world.target, 1).sourceAddress);
}

/** One GET of the protected route over the gateway's mTLS listener with `accessToken`, presenting `presented`. */
export async function callMtlsGateway(world: CtkWorld, accessToken: string, presented: Presented, options: { keepAsLast?: boolean } = {}): Promise<Exchange> {
  const mtls = mtlsOf(world.target);
  if (!mtls.gatewayUrl) {
    throw new NotTestableError('the target profile names no mTLS listener of the gateway (mtls.gatewayUrl)', { remedy: 'give mtls.gatewayUrl: the base URL where the gateway asks for client certificates' });
  }
  const route = world.target.gateway?.routes.protected;
  if (!route) throw new NotTestableError('the target profile names no protected gateway route (gateway.routes.protected)');
  const certificate = await certificateFor(mtls, presented);
  const url = new URL(route, mtls.gatewayUrl.endsWith('/') ? mtls.gatewayUrl : `${mtls.gatewayUrl}/`).href;
  return world.send(
    { method: 'GET', url, headers: { authorization: `Bearer ${accessToken}` } },
    { keepAsLast: options.keepAsLast ?? true, dispatcher: agentFor(mtls, certificate, world.target.limits.requestTimeoutMs) },
  );
}
