/**
 * One cause, one finding at the token endpoint (support/verdict/check.ts explainedBy). A token issued for
 * credentials the server cannot have checked (a wrong secret, an unknown client id) may have a root cause that a
 * plainer request shows: a server that issues a token to a request carrying no client authentication at all
 * checks no credentials, so every "token for bad credentials" repeats REQ-CAUTH-07's finding (RFC 6749 §4.4.2).
 * And a server that issues one for a wrong secret (an unknown client id) sent with HTTP Basic, the method every
 * server MUST support (RFC 6749 §2.3.1), does not check that secret (that client), so the same defect in the form
 * body repeats REQ-CAUTH-03's (REQ-CAUTH-05's) finding.
 *
 * Only then, and only the same defect: the kit asks the plainer request (a probe, sent only when a token was
 * already issued for bad credentials, so a conforming server never sees one) and, where it gets a token too,
 * reports the root once and the scenario's own requirement "not judged: <root>'s finding explains this answer".
 * Where the probe is refused, the deviation is independent (a server that checks Basic secrets but not secrets in
 * the form body) and stays its own requirement's finding.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { reportRootCause } from '../verdict/check.ts';
import { clientFor, describeAuth } from './clients.ts';
import { isPublicClient, requestToken, wrongSecret, type ClientAuthMethod } from './token-client.ts';
import type { ClientCredentials } from '../target/target.ts';
import { challengeSchemes, issuedAToken } from './token-errors.ts';
import { requirementApplies } from '../target/applicability.ts';
import { failureAddress, isNotTestable, SENT_CREDENTIALS, type SentCredentials } from './token-requests.ts';
import { sentAuthMethod } from './refusal-control.ts';

/** The requirements whose refusal of bad credentials a root cause may explain. */
export const BAD_CREDENTIAL_REFUSALS: readonly string[] = ['REQ-CAUTH-03', 'REQ-CAUTH-04', 'REQ-CAUTH-05'];

export interface RootProbe {
  /** The requirement whose clause the probe's token breaks. */
  readonly root: string;
  readonly sent: SentCredentials;
  /** The client's id with an empty secret (client_secret=, or Basic `<id>:`): no client authentication (RFC 6749 §3.2). */
  readonly emptySecret?: true;
}

/**
 * The plainer requests that would show the same cause as a token issued for `sent`, most basic first: no client
 * authentication at all (REQ-CAUTH-07); for a wrong secret, the same client's id with an empty secret sent the same
 * way (REQ-CAUTH-07 again); then, for credentials in the form body, the same defect with HTTP Basic.
 */
export function rootProbes(requirement: string, sent: SentCredentials): RootProbe[] {
  if (!BAD_CREDENTIAL_REFUSALS.includes(requirement)) return [];
  const probes: RootProbe[] = [{ root: 'REQ-CAUTH-07', sent: { role: 'system', method: 'none', wrong: false } }];
  // A wrong secret that gets a token, where the same client's id with an empty secret (sent the same way) gets one
  // too: the secret is not checked at all, which is REQ-CAUTH-07's finding (RFC 6749 §3.2: an empty value is omitted).
  if ((requirement === 'REQ-CAUTH-03' || requirement === 'REQ-CAUTH-04') && sent.wrong && sent.role !== 'unknown' && (sent.method === 'basic' || sent.method === 'body')) {
    probes.push({ root: 'REQ-CAUTH-07', sent: { role: sent.role, method: sent.method, wrong: false }, emptySecret: true });
  }
  if (requirement === 'REQ-CAUTH-04' && sent.method === 'body') {
    if (sent.role === 'unknown') probes.push({ root: 'REQ-CAUTH-05', sent: { role: 'unknown', method: 'basic', wrong: false } });
    else if (sent.wrong) probes.push({ root: 'REQ-CAUTH-03', sent: { role: sent.role, method: 'basic', wrong: true } });
  }
  return probes;
}

const describeSent = (sent: SentCredentials, clientId: string, emptySecret = false): string =>
  sent.method === 'none'
    ? 'a client_credentials request with no client authentication at all'
    : emptySecret
      ? `the client id of ${clientId} with an empty secret ${describeAuth(sent.method)}`
      : sent.role === 'unknown'
      ? `an unknown client id ${describeAuth(sent.method)}`
      : `${sent.wrong ? 'a wrong client secret' : 'the credentials'} of ${clientId} ${describeAuth(sent.method)}`;

/**
 * When `exchange` issued a token for the bad credentials the scenario sent, and a plainer request shows the same
 * cause: reports the root's finding once (it stops the scenario, as any MUST finding does) with `requirement` not
 * judged on this answer. Returns false when there is no root to report (the deviation, if any, is the scenario's own).
 */
export async function explainedByUncheckedCredentials(world: CtkWorld, requirement: string, exchange: Exchange, situation: string): Promise<boolean> {
  if (!issuedAToken(exchange) || !world.state.has(SENT_CREDENTIALS)) return false;
  const system = world.target.clients.system;
  if (isPublicClient(system)) return false;
  const probes: CredentialProbe[] = [];
  for (const probe of rootProbes(requirement, world.state.recall(SENT_CREDENTIALS))) {
    const client = clientFor(world.target, probe.sent.role);
    // A public client's id with an empty secret is its correct request (RFC 6749 §2.3.1): no root to show.
    if (!client || (probe.emptySecret && isPublicClient(client))) continue;
    const secret = probe.sent.wrong ? wrongSecret() : probe.emptySecret ? '' : undefined;
    probes.push({ root: probe.root, client, method: probe.sent.method, ...(secret !== undefined ? { secret } : {}), what: describeSent(probe.sent, client.clientId, probe.emptySecret) });
  }
  return reportFirstUncheckedRoot(world, probes, { requirement, expected: `no access token for ${situation}` }, (what) => `${what} gets a token too: the token endpoint does not check what ${situation} got wrong`);
}

/** A plainer request whose token would show the root cause: who sends what, how, and the requirement it breaks. */
export interface CredentialProbe {
  readonly root: string;
  readonly client: ClientCredentials;
  readonly method: ClientAuthMethod;
  /** The secret to send instead of the client's ('' for an empty one, null for no client_secret parameter); none: the client's own, or none for method 'none'. */
  readonly secret?: string | null;
  /** The request, in the vendor's words. */
  readonly what: string;
}

/**
 * Sends `probes` in order, each from a failure address and kept out of lastExchange (the scenario's own answer stays
 * the one its steps judge), and reports the first that gets a token as the root of `dependent` (reportRootCause:
 * the root's finding once, the dependent not judged on this answer). True when it reported one; false when every
 * probe was refused, or no failure address was left to send one from.
 */
export async function reportFirstUncheckedRoot(
  world: CtkWorld,
  probes: readonly CredentialProbe[],
  dependent: { readonly requirement: string; readonly expected: string },
  why: (what: string) => string,
): Promise<boolean> {
  for (const { root, client, method, secret, what } of probes) {
    const address = failureAddress(world);
    if (isNotTestable(address)) return false;
    const answer = await requestToken(world, client, { method, keepAsLast: false, ...(secret !== undefined ? { secret } : {}), ...address });
    const observed = issuedAToken(answer) ? `${describeOutcome(answer)} with an access_token` : describeOutcome(answer);
    const held = reportRootCause(
      world,
      { requirement: root, expected: `no access token for ${what}`, observed },
      () => expect(issuedAToken(answer), `a token issued for ${what}`).to.equal(false),
      [dependent],
      { why: why(what) },
    );
    if (!held) return true;
  }
  return false;
}

/** The requirement of a refusal of a wrong secret sent with HTTP Basic: 401 with a Basic challenge (RFC 6749 §5.2). */
const BASIC_REFUSAL_ROOT = 'REQ-CAUTH-03';

/** What a refusal of credentials in the Authorization header is judged on: its status and whether it challenges Basic; undefined for a token or no answer. */
export const basicRefusalShape = (exchange: Exchange): string | undefined =>
  exchange.response && !issuedAToken(exchange)
    ? `HTTP ${exchange.response.status}, ${challengeSchemes(exchange.response.headers['www-authenticate']).includes('basic') ? 'a Basic challenge' : 'no Basic challenge'}`
    : undefined;

const conformingBasicRefusal = (exchange: Exchange): boolean =>
  exchange.response?.status === 401 && challengeSchemes(exchange.response.headers['www-authenticate']).includes('basic');

/**
 * One cause, one finding for the shape of an invalid_client refusal (RFC 6749 §5.2: credentials sent in the
 * Authorization header and refused get 401 with a challenge for that scheme). An unknown client id sent with HTTP
 * Basic (REQ-CAUTH-05) refused in another shape (a 400, no Basic challenge) is, where a wrong secret of the system
 * client sent with HTTP Basic is refused in exactly the same shape, the server's one invalid_client answer:
 * REQ-CAUTH-03's finding, and REQ-CAUTH-05 is not judged on it. The probe is sent only after such a refusal; where
 * the wrong secret gets a conforming 401 (or a token, or another shape), the unknown client's answer is a deviation
 * of its own and stays REQ-CAUTH-05's finding. True when it reported (the scenario stops at REQ-CAUTH-03, a MUST).
 */
export async function explainedByInvalidClientShape(world: CtkWorld, requirement: string, exchange: Exchange, situation: string): Promise<boolean> {
  const shape = basicRefusalShape(exchange);
  if (requirement !== 'REQ-CAUTH-05' || shape === undefined || conformingBasicRefusal(exchange)) return false;
  const system = world.target.clients.system;
  if (isPublicClient(system) || !requirementApplies(world.target, BASIC_REFUSAL_ROOT)) return false;
  const address = failureAddress(world);
  if (isNotTestable(address)) return false;
  const probe = await requestToken(world, system, { method: 'basic', secret: wrongSecret(), keepAsLast: false, ...address });
  if (basicRefusalShape(probe) !== shape) return false;
  const what = `a wrong client secret of ${system.clientId} ${describeAuth('basic')}`;
  reportRootCause(
    world,
    { requirement: BASIC_REFUSAL_ROOT, expected: `401 with WWW-Authenticate: Basic ... refusing ${what}`, observed: `${shape} (${describeOutcome(probe)})` },
    () => expect(conformingBasicRefusal(probe), 'a 401 with a Basic challenge').to.equal(true),
    [{ requirement, expected: `401 with WWW-Authenticate: Basic ... refusing ${situation}` }],
    { why: `${what} is refused in the same shape (${shape}): the server's invalid_client answer, not how it treats an unknown client` },
  );
  return true;
}

/**
 * One cause, one finding for a check that needed a FAILED client authentication: where the wrong secret it sent got
 * a token, there was no failure to judge. The token endpoint accepts a wrong secret: REQ-CAUTH-03's finding (HTTP
 * Basic) or REQ-CAUTH-04's (the form body), reported here with `dependent` explained by it. Fault accept-wrong-secret
 * failed REQ-AUD-02 (the audit shows a success) and REQ-ANON-05 (the token opens the protected route) beside
 * REQ-CAUTH-03. True when it reported; false where no token came, or the way sent has no requirement here.
 */
export function wrongSecretServed(world: CtkWorld, exchange: Exchange, dependent: { readonly requirement: string; readonly expected: string }): boolean {
  if (!issuedAToken(exchange)) return false;
  const way = sentAuthMethod(exchange);
  const root = way === 'basic' ? 'REQ-CAUTH-03' : way === 'body' ? 'REQ-CAUTH-04' : undefined;
  if (!root || root === dependent.requirement || !requirementApplies(world.target, root)) return false;
  return !reportRootCause(
    world,
    { requirement: root, expected: `no access token for a wrong client secret ${describeAuth(way)} (RFC 6749 §5.2: invalid_client)`, observed: `${describeOutcome(exchange)} with an access_token` },
    () => expect(issuedAToken(exchange), 'a token for a wrong secret').to.equal(false),
    [dependent],
    { why: `the wrong secret got a token (${describeOutcome(exchange)}): the token endpoint accepts it, so there was no failed authentication to judge` },
  );
}
