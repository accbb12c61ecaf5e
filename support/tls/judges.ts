/**
 * The TLS checks of an https target (issue 19; RFC 9325 §3.1.1, RFC 9110 §4.3.4, RFC 9525, RFC 6749 §3.2), one judge
 * per requirement. Each looks at every https origin of the target's main URLs (probes.ts), after a positive control:
 * an endpoint that accepts no handshake at all makes a refusal prove nothing (not testable, said so).
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { check, reportRootCause } from '../verdict/check.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { currentTarget } from '../target/current.ts';
import { stateKey } from '../scenario-state.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import { handshake, hostMismatch, localOpensslOffers, VERSION_NAMES, type HandshakeOutcome, type TlsVersion } from './probes.ts';
import { httpsEndpoints, PLAIN_HTTP_PROBE, plainHttpTwin, type HttpsEndpoint } from './endpoints.ts';

const where = (e: HttpsEndpoint) => `${e.label} ${e.host}:${e.port}`;
const outcomeText = (o: HandshakeOutcome) => (o.connected ? `negotiated ${o.protocol ? (VERSION_NAMES[o.protocol as TlsVersion] ?? o.protocol) : 'a connection'}` : `no connection (${o.error})`);

/** The target's https origins, each one answering a default handshake (the positive control of every TLS check). */
async function controlledEndpoints(world: CtkWorld): Promise<{ endpoint: HttpsEndpoint; control: HandshakeOutcome }[]> {
  const target = currentTarget();
  const endpoints = httpsEndpoints(target);
  if (endpoints.length === 0) throw new NotTestableError('the target has no https URL to probe', { remedy: 'TLS requirements bind https targets (RFC 9325)' });
  const controlled = [];
  for (const endpoint of endpoints) {
    const control = await handshake(endpoint, { caPem: target.tls?.caPem });
    world.log(`TLS positive control, ${where(endpoint)}: ${outcomeText(control)}`);
    if (!control.connected) {
      throw new NotTestableError(`the ${where(endpoint)} completes no TLS handshake at all (${control.error}): a refusal of one version would prove nothing`, {
        remedy: 'check that the target is up and serves https at that URL',
      });
    }
    controlled.push({ endpoint, control });
  }
  return controlled;
}

/** REQ-TLS-01 / -02 (RFC 9325 §3.1.1 MUST NOT negotiate): offered alone, a legacy version gets no connection. */
export async function judgeVersionNotNegotiated(world: CtkWorld, version: TlsVersion, requirement: string): Promise<void> {
  const name = VERSION_NAMES[version];
  const cannot = await localOpensslOffers(version);
  if (cannot) throw new NotTestableError(`not testable: ${cannot}`, { remedy: `run the kit where OpenSSL can still offer ${name} (security level 0)` });
  for (const { endpoint } of await controlledEndpoints(world)) {
    const probe = await handshake(endpoint, { version });
    if (probe.connected && version === 'TLSv1.1' && (await olderVersionNegotiatedToo(world, endpoint, requirement))) continue;
    check(world, { requirement, expected: `no connection for a client that offers only ${name} (RFC 9325 §3.1.1: MUST NOT negotiate ${name}) at the ${where(endpoint)}`, observed: outcomeText(probe) }, () => {
      expect(probe.connected, `the ${where(endpoint)} negotiated ${name} with a client offering only it: disable ${name} (minimum TLS 1.2)`).to.equal(false);
    });
  }
}

/** The requirement an endpoint that negotiates TLS 1.0 breaks (RFC 9325 §3.1.1, RFC 8996 §2). */
const TLS_1_0_ROOT = 'REQ-TLS-01';

/**
 * One cause, one finding (support/verdict/check.ts reportRootCause). An endpoint that negotiated TLS 1.1 and, asked
 * only then, TLS 1.0 as well has one setting wrong, the lowest version it accepts: REQ-TLS-01's finding, and REQ-TLS-02
 * is not judged at that endpoint (recorded in passing: the other endpoints are still judged, so one that accepts TLS
 * 1.1 alone is REQ-TLS-02's own finding). Where TLS 1.0 is refused, or this machine cannot offer it, TLS 1.1 is
 * judged on its own. True when it reported.
 */
async function olderVersionNegotiatedToo(world: CtkWorld, endpoint: HttpsEndpoint, requirement: string): Promise<boolean> {
  if (await localOpensslOffers('TLSv1')) return false;
  const older = await handshake(endpoint, { version: 'TLSv1' });
  if (!older.connected) return false;
  reportRootCause(
    world,
    { requirement: TLS_1_0_ROOT, expected: `no connection for a client that offers only TLS 1.0 (RFC 9325 §3.1.1: MUST NOT negotiate TLS 1.0) at the ${where(endpoint)}`, observed: outcomeText(older) },
    () => expect(older.connected, `the ${where(endpoint)} negotiated TLS 1.0 with a client offering only it: disable TLS 1.0 and 1.1 (minimum TLS 1.2)`).to.equal(false),
    [{ requirement, expected: `no connection for a client that offers only TLS 1.1 at the ${where(endpoint)}` }],
    { why: `the ${where(endpoint)} negotiates TLS 1.0 too: its lowest accepted version is below TLS 1.2, one setting`, inPassing: true },
  );
  return true;
}

/** REQ-TLS-03 (MUST) / REQ-TLS-04 (SHOULD): offered alone, the version gets a connection that uses it. */
export async function judgeVersionSupported(world: CtkWorld, version: TlsVersion, requirement: string): Promise<void> {
  const name = VERSION_NAMES[version];
  for (const { endpoint } of await controlledEndpoints(world)) {
    const probe = await handshake(endpoint, { version });
    check(world, { requirement, expected: `a connection in ${name} for a client that offers only ${name} (RFC 9325 §3.1.1) at the ${where(endpoint)}`, observed: outcomeText(probe) }, () => {
      expect(probe.connected && probe.protocol === version, `the ${where(endpoint)} does not serve a client offering only ${name}: enable ${name}`).to.equal(true);
    });
  }
}

/** REQ-TLS-05 (RFC 9110 §4.3.4, RFC 9525 §6): the certificate names the URL's host. */
export async function judgeCertificateNamesHost(world: CtkWorld): Promise<void> {
  for (const { endpoint, control } of await controlledEndpoints(world)) {
    const certificate = control.certificate;
    const names = certificate?.subjectaltname ?? '(no subjectAltName)';
    const mismatch = certificate ? hostMismatch(endpoint.host, certificate) : 'no certificate was presented';
    check(world, { requirement: 'REQ-TLS-05', expected: `a certificate whose subjectAltName matches ${endpoint.host} (RFC 9525 §6; RFC 9110 §4.3.4: the client MUST verify it)`, observed: `certificate for ${names}${mismatch ? `: ${mismatch}` : ''}` }, () => {
      expect(mismatch, `the ${where(endpoint)} presents a certificate for ${names}: a client that verifies the host (as RFC 9110 §4.3.4 requires) refuses it; issue one that names ${endpoint.host}`).to.equal(undefined);
    });
  }
}

/** REQ-TLS-06 (RFC 9110 §4.3.4, RFC 5280 §6.1.3): the chain is trusted and the certificate within its validity period. */
export async function judgeCertificateValid(world: CtkWorld): Promise<void> {
  const privateCa = currentTarget().tls?.caPem !== undefined;
  for (const { endpoint, control } of await controlledEndpoints(world)) {
    const c = control.certificate;
    const validity = c ? `valid from ${c.valid_from} to ${c.valid_to}, issued by ${c.issuer?.CN ?? 'an unnamed issuer'}` : 'no certificate';
    const hint = /UNABLE_TO_GET_ISSUER|SELF_SIGNED|UNABLE_TO_VERIFY/.test(control.authorizationError ?? '') && !privateCa ? ' (if the target uses a private CA, give its certificate in the profile: tls.caFile)' : '';
    check(world, { requirement: 'REQ-TLS-06', expected: 'a certificate that chains to a trusted CA and whose validity period includes now (RFC 5280 §6.1.3)', observed: `${control.authorizationError ?? 'verified'}; ${validity}` }, () => {
      expect(control.authorizationError, `the ${where(endpoint)} presents a certificate a verifying client refuses (${control.authorizationError})${hint}`).to.equal(undefined);
    });
  }
}

/**
 * REQ-TLS-07 (RFC 6749 §3.2): the plain-http twin of the token endpoint. Sends a marker client and a deliberately
 * wrong secret, so nothing real travels in clear.
 */
export const PLAIN_HTTP_REQUEST = stateKey<Exchange>('a token request sent to the plain-http twin of the token endpoint');

export async function sendTokenRequestOverPlainHttp(world: CtkWorld): Promise<Exchange> {
  const target = currentTarget();
  const url = plainHttpTwin(target);
  if (!url) throw new NotTestableError('the token endpoint is not an https URL', { remedy: 'REQ-TLS-07 binds https token endpoints' });
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: PLAIN_HTTP_PROBE.clientId, client_secret: PLAIN_HTTP_PROBE.clientSecret }).toString();
  return world.send({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body, timeoutMs: 5_000 });
}

export function judgePlainHttpNotProcessed(world: CtkWorld, exchange: Exchange): void {
  const json = jsonOf(exchange) as Record<string, unknown> | undefined;
  const issued = exchange.response !== undefined && exchange.response.status < 300 && typeof json?.access_token === 'string';
  const judged = json?.error === 'invalid_client';
  const observed = exchange.transportError ? `no plain-http answer (${exchange.transportError.code}): nothing listens there` : `${describeOutcome(exchange)}${judged ? ' — the credentials were judged over plain http' : ''}`;
  check(world, { requirement: 'REQ-TLS-07', expected: `no processing of a token request sent over plain http to ${exchange.request.url}: a redirect to https that reads nothing, a refusal, or no listener (RFC 6749 §3.2)`, observed }, () => {
    expect(issued || judged, `the token endpoint's plain-http twin ${exchange.request.url} processes client credentials sent in clear (${issued ? 'it issued a token' : 'it answered invalid_client'}): redirect or close plain http`).to.equal(false);
  });
}
