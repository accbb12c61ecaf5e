/**
 * One cause, one finding for a refused request with valid credentials (RFC 6749 §2.3.1, §4.4.2). Three scenarios send
 * the system client's own secret: its ordinary request (REQ-TOK-01, the way the profile registered it, usually HTTP
 * Basic), HTTP Basic (REQ-CAUTH-01) and the form body (REQ-CAUTH-02). One refusal would fail two or three of them,
 * so the other way of the same client tells the cause apart, as the positive controls of refusal-control.ts do:
 * - the other way gets a token: the cause is the METHOD, REQ-CAUTH-01's finding for HTTP Basic, REQ-CAUTH-02's for the
 *   form body. The REQ-TOK-01 scenario reports it under that requirement (reportRootCause) and is not judged on it;
 *   the method's own scenario fails it on its own answer, so a run of that scenario alone finds the same;
 * - the other way is refused too: the endpoint refuses the client whatever the method, REQ-TOK-01's finding. The
 *   REQ-TOK-01 scenario fails it; REQ-CAUTH-01's and -02's scenarios are blocked on it (PrerequisiteBlocked) with both
 *   answers;
 * - the client has no other way (registered for HTTP Basic only, or the target claims no form body): REQ-TOK-01's
 *   finding as well (methodRefusalUnderControl says why). A public client sends no secret either way: none of this.
 * The other way is asked only after a refusal, so a conforming server never sees it. No HTTP answer at all counts as a
 * refusal here: where valid requests are refused from the run's own address, the target's IP block (seed 001) may
 * drop its connections for a while, and the other way, sent from the same address, then shows that it is no method.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { reportRootCause } from '../verdict/check.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { requirementApplies } from '../target/applicability.ts';
import { describeAuth } from './clients.ts';
import { isPublicClient, mayUseFormBody, registeredAuthMethod, requestToken, type ClientAuthMethod } from './token-client.ts';
import { issuedAToken } from './token-errors.ts';
import { requireAnswerAboutClientAuthentication, throwIfRateLimited } from './token-response.ts';
import { blockWhereValidCredentialsAreRefused } from './valid-credentials-refused.ts';

/** The requirement of each way of sending the client's own secret. */
export const METHOD_REQUIREMENT: Readonly<Partial<Record<ClientAuthMethod, string>>> = { basic: 'REQ-CAUTH-01', body: 'REQ-CAUTH-02' };

/**
 * The other way the system client may send its own secret than `method`: HTTP Basic, which every server MUST support
 * (RFC 6749 §2.3.1; nothing rules REQ-CAUTH-01 out, support/target/applicability.ts), for the form body; the form body
 * for HTTP Basic only where the client may use it (token-client.ts mayUseFormBody) and REQ-CAUTH-02 applies. None for
 * a public client, which sends no secret either way.
 */
export function otherAuthMethod(world: CtkWorld, method: ClientAuthMethod): 'basic' | 'body' | undefined {
  const client = world.target.clients.system;
  if (isPublicClient(client)) return undefined;
  if (method === 'body') return 'basic';
  if (method === 'basic' && mayUseFormBody(world.target, client) && requirementApplies(world.target, 'REQ-CAUTH-02')) return 'body';
  return undefined;
}

/** The system client's own secret sent `method`, from the run's ordinary address, kept out of lastExchange. */
const sendOtherWay = (world: CtkWorld, method: ClientAuthMethod): Promise<Exchange> => requestToken(world, world.target.clients.system, { method, keepAsLast: false });

const what = (world: CtkWorld, method: ClientAuthMethod): string => `the valid credentials of ${world.target.clients.system.clientId} ${describeAuth(method)}`;

/**
 * Before REQ-TOK-01 judges the system client's ordinary request (`exchange`, sent its registered way): where it got
 * no token and the same secret sent the other way gets one, the method is the cause, reported once under its
 * requirement (REQ-CAUTH-01 for HTTP Basic, REQ-CAUTH-02 for the form body) with REQ-TOK-01 not judged on it; that
 * finding stops the scenario (a MUST or SEED). Returns otherwise (a token, no other way, or the other way refused
 * too): REQ-TOK-01 judges the answer itself.
 */
export async function ordinaryRefusalExplainedByMethod(world: CtkWorld, exchange: Exchange, situation: string): Promise<void> {
  if (issuedAToken(exchange)) return;
  const method = registeredAuthMethod(world.target.clients.system);
  const root = METHOD_REQUIREMENT[method];
  const other = otherAuthMethod(world, method);
  if (root === undefined || other === undefined || !requirementApplies(world.target, root)) return;
  const probe = await sendOtherWay(world, other);
  if (!issuedAToken(probe)) return;
  world.log(`${what(world, other)} got a token where ${situation} got ${describeOutcome(exchange)}: the cause is the method`);
  reportRootCause(
    world,
    { requirement: root, expected: `200 with an access_token for ${what(world, method)}`, observed: exchange },
    () => expect(issuedAToken(exchange), `a token for ${what(world, method)}`).to.equal(true),
    [{ requirement: 'REQ-TOK-01', expected: `200 with an access_token for ${situation}` }],
    { why: `${what(world, other)} get a token (${describeOutcome(probe)}): the token endpoint refuses the way the credentials are sent, not the client` },
  );
}

/**
 * Before REQ-CAUTH-01 (`method` basic) or REQ-CAUTH-02 (body) judges the system client's own secret sent that way
 * (`exchange`): where it got no token, the other way tells whether the method is the cause. The other way gets a
 * token: returns true, and the scenario's requirement fails on its own answer. The other way is refused too: the
 * endpoint refuses the client whatever the method, blocked on REQ-TOK-01 with both answers. False where there is
 * nothing to control (a token, a public client).
 *
 * The client's only way (HTTP Basic for a client that may not use the form body) is its ordinary
 * request, the very request REQ-TOK-01's scenario sends, and one refused request shows no cause: nothing tells a
 * Basic header the server cannot read from a client it does not serve. REQ-TOK-01 names exactly what was seen (the
 * client's valid credentials get no token) and sends the vendor to look at the whole path; REQ-CAUTH-01 would claim
 * a cause the evidence does not separate, and a vendor whose credential store is broken would go looking at Basic
 * parsing. So there too the method's scenario is blocked on REQ-TOK-01, which fails in its own scenario.
 */
export async function methodRefusalUnderControl(world: CtkWorld, exchange: Exchange, method: 'basic' | 'body', situation: string): Promise<boolean> {
  if (issuedAToken(exchange)) return false;
  const client = world.target.clients.system;
  if (isPublicClient(client)) return false;
  const other = otherAuthMethod(world, method);
  const probe = other === undefined ? undefined : await sendOtherWay(world, other);
  if (probe !== undefined && issuedAToken(probe)) {
    world.log(`positive control: ${what(world, other!)} got a token, so the answer to ${situation} is about the method`);
    return true;
  }
  const otherWay = probe === undefined
    ? `${client.clientId} has no other way to send its secret here (${describeAuth(method)} is its ordinary request)`
    : `${what(world, other!)} are refused too (${describeOutcome(probe)})`;
  throw new PrerequisiteBlocked(
    'REQ-TOK-01',
    `blocked: ${situation} got ${describeOutcome(exchange)}, and ${otherWay}: the token endpoint refuses ${client.clientId} whatever the method; REQ-TOK-01 reports that refusal`,
    `fix what REQ-TOK-01 reports; this requirement is judged once the token endpoint serves ${client.clientId}`,
  );
}

/**
 * What the issuing step asks before it judges `requirement` on the system client's own secret: REQ-TOK-01 whether
 * the method explains its refusal, REQ-CAUTH-01 / -02 whether the other way is refused too. REQ-CAUTH-01 without a
 * control (a public client) judges a refusal only where it is about the client's authentication, as before.
 */
export async function attributeRefusedCredentials(world: CtkWorld, requirement: string, exchange: Exchange, situation: string): Promise<void> {
  // Before any ladder: a 429 refuses no credentials (throwIfRateLimited; measured: REQ-CAUTH-01 failed on one).
  throwIfRateLimited(exchange, situation);
  if (requirement === 'REQ-TOK-01') return ordinaryRefusalExplainedByMethod(world, exchange, situation);
  // The rotation client's new secret is its valid credentials now: refused with HTTP Basic where HTTP Basic is
  // refused to every client, the cause is REQ-CAUTH-01's (valid-credentials-refused.ts), not the rotation's.
  const rotation = world.target.clients.rotation;
  if (requirement === 'REQ-ROT-01' && rotation) return blockWhereValidCredentialsAreRefused(world, rotation, exchange);
  if (requirement !== 'REQ-CAUTH-01' && requirement !== 'REQ-CAUTH-02') return;
  const controlled = await methodRefusalUnderControl(world, exchange, requirement === 'REQ-CAUTH-01' ? 'basic' : 'body', situation);
  if (!controlled && requirement === 'REQ-CAUTH-01') requireAnswerAboutClientAuthentication(exchange, situation);
}
