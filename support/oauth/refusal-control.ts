/**
 * The positive control of a refusal at the token endpoint. A refusal check passes on a refusal of the kind it asks
 * for, and an endpoint that refuses EVERY request gives one: 401 invalid_client with a Basic challenge (a credential
 * store it cannot read), 400 invalid_request or unsupported_grant_type (a proxy in front of it that drops or
 * re-encodes POST bodies: "grant_type missing"), each a well-formed RFC 6749 §5.2 error. Such a refusal proves
 * nothing about the clause, nor does the absence of a secret in it, its no-store, or its error_description.
 *
 * So a refusal is judged only where the same endpoint serves the GOOD request that matches it, in the same scenario:
 * - credentials that do not authenticate (a wrong secret, an unknown client, none, two methods: REQ-CAUTH-03..07):
 *   the system client's own secret sent the same way. A wrong secret in the form body is evidence only where the
 *   right secret in the form body gets a token, for a client that may authenticate there (token-client.ts
 *   mayUseFormBody); for a client registered for HTTP Basic only, the form-body refusal is correct either way, and
 *   the control is its ordinary request (HTTP Basic), as for every other way the client may not use;
 * - everything else (no grant_type, an unknown grant, a scope, a malformed body): the ordinary request of the client,
 *   or the same request without the one thing under test (the scope the client may not have).
 * Otherwise the scenario is blocked on the requirement whose scenario sends that good request (REQ-TOK-01 for the
 * ordinary one, REQ-CAUTH-02 for the form body), with both answers. A token needs no control: the refusal check fails
 * on its own, and the one-cause ladders (unchecked-credentials.ts) look for its root first.
 */
import type { CtkWorld } from '../world.ts';
import { authorizationOf, describeOutcome, formOf, type Exchange } from '../http/exchange.ts';
import type { ClientCredentials } from '../target/target.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { stateKey } from '../scenario-state.ts';
import { describeAuth } from './clients.ts';
import { mayUseFormBody, registeredAuthMethod, requestToken, type ClientAuthMethod } from './token-client.ts';
import { issuedAToken } from './token-errors.ts';

/** The good request a refusal is judged against. */
export interface RefusalControl {
  readonly client: ClientCredentials;
  readonly method: ClientAuthMethod;
  /** The scope parameter; left out, the client's declared scopes (as every ordinary request). */
  readonly scope?: string;
  /** The requirement whose scenario judges this request when it gets no token. */
  readonly blockedBy: string;
  /** The request, in the vendor's words. */
  readonly what: string;
}

/**
 * The refusals of the shared refusal step (steps/token-issuance.steps.ts) judged after a control. REQ-ROT-02 is not
 * among them: its scenario has a control of its own (the old secret got a token just before the rotation).
 */
export const CONTROLLED_REFUSALS: readonly string[] = ['REQ-CAUTH-03', 'REQ-CAUTH-04', 'REQ-CAUTH-05', 'REQ-TOK-10', 'REQ-TOK-11', 'REQ-TOK-15', 'REQ-TOK-20'];

/** The ordinary token request of `client` (the system client unless named): the way it was registered, its declared scopes or `scope`. */
export function ordinaryControl(world: CtkWorld, client: ClientCredentials = world.target.clients.system, scope?: readonly string[]): RefusalControl {
  const method = registeredAuthMethod(client);
  const own = scope?.filter((s) => s.length > 0);
  return {
    client,
    method,
    ...(own && own.length > 0 ? { scope: own.join(' ') } : {}),
    blockedBy: 'REQ-TOK-01',
    what: own && own.length > 0 ? `the token request of ${client.clientId} for "${own.join(' ')}" alone (${describeAuth(method)})` : `the ordinary token request of ${client.clientId}`,
  };
}

/** How a recorded token request authenticated: HTTP Basic, client_id in the form body, both, or neither. */
export function sentAuthMethod(exchange: Exchange): ClientAuthMethod {
  const basic = /^basic\s/i.test(authorizationOf(exchange.request) ?? '');
  const form = formOf(exchange.request);
  const inBody = form?.has('client_secret') === true || (form?.has('client_id') === true && !basic);
  return basic && inBody ? 'both' : basic ? 'basic' : inBody ? 'body' : 'none';
}

/**
 * The good request matching a refusal of credentials sent `method`: the system client's own secret sent the same
 * way, where it may authenticate so; its ordinary request otherwise (and for no credentials, or two methods at once).
 * The system client's ordinary request already goes its registered way, so only the form body of a client whose
 * ordinary requests use HTTP Basic is a control of its own.
 */
export function sameWayControl(world: CtkWorld, method: ClientAuthMethod): RefusalControl {
  const client = world.target.clients.system;
  if (method === 'body' && registeredAuthMethod(client) === 'basic' && mayUseFormBody(world.target, client)) {
    return { client, method: 'body', blockedBy: 'REQ-CAUTH-02', what: `the token request of ${client.clientId} with its own secret ${describeAuth('body')}` };
  }
  return ordinaryControl(world, client);
}

/** The refusals of credentials that do not authenticate: their control sends the right secret the same way. */
const CREDENTIAL_REFUSALS: readonly string[] = ['REQ-CAUTH-03', 'REQ-CAUTH-04', 'REQ-CAUTH-05'];

/** The control of a refusal the shared refusal step judges for `requirement`, or undefined where it needs none here. */
export function controlOfRefusal(world: CtkWorld, requirement: string, answer: Exchange): RefusalControl | undefined {
  if (!CONTROLLED_REFUSALS.includes(requirement)) return undefined;
  return CREDENTIAL_REFUSALS.includes(requirement) ? sameWayControl(world, sentAuthMethod(answer)) : ordinaryControl(world);
}

/** refusalUnderControl with the good request matching the way `answer`'s request sent its credentials (sameWayControl). */
export const credentialRefusalUnderControl = (world: CtkWorld, answer: Exchange, situation: string): Promise<void> =>
  refusalUnderControl(world, answer, situation, sameWayControl(world, sentAuthMethod(answer)));

/** The controls this scenario sent, by request: several refusals of one scenario need one control each kind. */
const CONTROLS = stateKey<Map<string, Exchange>>('positive controls of refusals');

/**
 * Returns when `answer` issued a token or the control holds (its request, sent now from the run's ordinary address,
 * gets a token); throws PrerequisiteBlocked(control.blockedBy) with both answers otherwise. The secret never appears:
 * the reasons describe outcomes, not requests.
 */
export async function refusalUnderControl(world: CtkWorld, answer: Exchange, situation: string, control: RefusalControl = ordinaryControl(world)): Promise<void> {
  if (issuedAToken(answer)) return;
  const sent = world.state.peek(CONTROLS) ?? world.state.remember(CONTROLS, new Map());
  const key = `${control.client.clientId} ${control.method} ${control.scope ?? ''}`;
  // A root control itself (rootControl): its refusal is judged right here, with both answers, not by the run-wide one.
  const exchange = sent.get(key) ?? (await requestToken(world, control.client, { method: control.method, keepAsLast: false, rootControl: true, ...(control.scope !== undefined ? { scope: control.scope } : {}) }));
  sent.set(key, exchange);
  if (issuedAToken(exchange)) {
    world.log(`positive control: ${control.what} got a token, so the answer to ${situation} is about what it varies`);
    return;
  }
  throw new PrerequisiteBlocked(
    control.blockedBy,
    `blocked: ${control.what} is refused too (${describeOutcome(exchange)}), so the answer to ${situation} (${describeOutcome(answer)}) proves nothing about it; ${control.blockedBy} reports that refusal`,
    `fix what ${control.blockedBy} reports; this requirement is judged once the token endpoint serves ${control.what}`,
  );
}
