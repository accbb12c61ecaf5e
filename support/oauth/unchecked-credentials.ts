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
import { isPublicClient, requestToken, wrongSecret } from './token-client.ts';
import { issuedAToken } from './token-errors.ts';
import { failureAddress, isNotTestable, SENT_CREDENTIALS, type SentCredentials } from './token-requests.ts';

/** The requirements whose refusal of bad credentials a root cause may explain. */
export const BAD_CREDENTIAL_REFUSALS: readonly string[] = ['REQ-CAUTH-03', 'REQ-CAUTH-04', 'REQ-CAUTH-05'];

export interface RootProbe {
  /** The requirement whose clause the probe's token breaks. */
  readonly root: string;
  readonly sent: SentCredentials;
}

/**
 * The plainer requests that would show the same cause as a token issued for `sent`, most basic first: no client
 * authentication at all (REQ-CAUTH-07); then, for credentials in the form body, the same defect with HTTP Basic.
 */
export function rootProbes(requirement: string, sent: SentCredentials): RootProbe[] {
  if (!BAD_CREDENTIAL_REFUSALS.includes(requirement)) return [];
  const probes: RootProbe[] = [{ root: 'REQ-CAUTH-07', sent: { role: 'system', method: 'none', wrong: false } }];
  if (requirement === 'REQ-CAUTH-04' && sent.method === 'body') {
    if (sent.role === 'unknown') probes.push({ root: 'REQ-CAUTH-05', sent: { role: 'unknown', method: 'basic', wrong: false } });
    else if (sent.wrong) probes.push({ root: 'REQ-CAUTH-03', sent: { role: sent.role, method: 'basic', wrong: true } });
  }
  return probes;
}

const describeSent = (sent: SentCredentials, clientId: string): string =>
  sent.method === 'none'
    ? 'a client_credentials request with no client authentication at all'
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
  for (const probe of rootProbes(requirement, world.state.recall(SENT_CREDENTIALS))) {
    const client = clientFor(world.target, probe.sent.role);
    if (!client) continue;
    const address = failureAddress(world);
    if (isNotTestable(address)) return false;
    const what = describeSent(probe.sent, client.clientId);
    // Kept out of lastExchange: the scenario's own answer stays the one its steps judge.
    const answer = await requestToken(world, client, { method: probe.sent.method, keepAsLast: false, ...(probe.sent.wrong ? { secret: wrongSecret() } : {}), ...address });
    const observed = issuedAToken(answer) ? `${describeOutcome(answer)} with an access_token` : describeOutcome(answer);
    const held = reportRootCause(
      world,
      { requirement: probe.root, expected: `no access token for ${what}`, observed },
      () => expect(issuedAToken(answer), `a token issued for ${what}`).to.equal(false),
      [{ requirement, expected: `no access token for ${situation}` }],
      { why: `${what} gets a token too: the token endpoint does not check what ${situation} got wrong` },
    );
    if (!held) return true;
  }
  return false;
}
