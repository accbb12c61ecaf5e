/**
 * REQ-ID-13 / REQ-ID-14 (seed 003): a token without client_id is no system token. Seed 003 reads a token as the system's only
 * when "der client_id claim ... mit dem sub claim identisch" is; an absent client_id is not identical to anything,
 * so such a token is a customer's, or is refused (RFC 9068 §2.2 makes client_id REQUIRED). The kit asks the
 * target's test signer for the system client's claims twice: once whole (the control: that token must arrive as
 * the system, else the echo cannot show the difference), once without client_id (sub stays the system client's id).
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { check, couldNotJudge, reportRootCause } from '../verdict/check.ts';
import { requirementApplies } from '../target/applicability.ts';
import type { NotTestable } from '../oauth/token-requests.ts';
import { signerToken } from '../jwt/crafted.ts';
import { testSignerOf } from '../jwt/test-signer.ts';
import { decodeJwt } from '../jwt/decode.ts';
import { bearer, callGateway, isClientError, RouteNotDescribedError } from '../gateway/gateway-client.ts';
import { describeIdentity, readEcho, type ObservedIdentity } from './echo.ts';
import { customerDataOutcome, requestCustomerData } from './customer-data.ts';
import type { TestUser } from '../target/target.ts';

export interface NoClientIdTokens {
  /** The signer's token with every claim of the system client's token: the control. */
  readonly whole: string;
  /** The same claims without client_id. */
  readonly withoutClientId: string;
  readonly subject: string;
}

export async function tokensWithAndWithoutClientId(world: CtkWorld): Promise<NoClientIdTokens | NotTestable> {
  const whole = await signerToken(world);
  if ('notTestable' in whole) return whole;
  const decoded = decodeJwt(whole.token);
  const signer = testSignerOf(world);
  if (!decoded || !signer) return { notTestable: 'the test signer\'s token cannot be read back' };
  const { client_id: _dropped, ...claims } = decoded.claims;
  const subject = claims.sub;
  if (typeof subject !== 'string') return { notTestable: 'the system client\'s access token carries no sub to keep', remedy: 'see REQ-JWT-03' };
  return { whole: whole.token, withoutClientId: await signer.sign(claims), subject };
}

/** The echo shows the system: kind system where a kind is stated, else a client id equal to the subject. Undefined: it cannot tell. */
export function seenAsSystem(identity: ObservedIdentity): boolean | undefined {
  if (!identity.present) return false;
  if (identity.rawKind !== undefined) return identity.kind === 'system';
  if (identity.clientId !== undefined && identity.subject !== undefined) return identity.clientId === identity.subject;
  return undefined;
}

export interface NoClientIdCalls {
  readonly control: Exchange;
  readonly probe: Exchange;
}

/** The identity echo with the whole token (control), then with the token without client_id (kept as the last exchange). */
export async function echoWithAndWithoutClientId(world: CtkWorld, tokens: NoClientIdTokens): Promise<NoClientIdCalls> {
  const control = await callGateway(world, { route: 'identity echo', authorization: bearer(tokens.whole), keepAsLast: false });
  const probe = await callGateway(world, { route: 'identity echo', authorization: bearer(tokens.withoutClientId) });
  return { control, probe };
}

/** REQ-ID-13: refused (4xx), or passed on as no system user. Judged only where the control arrived as the system. */
export function judgeNoClientIdNotSystem(world: CtkWorld, calls: NoClientIdCalls, tokens: NoClientIdTokens): void {
  const requirement = 'REQ-ID-13';
  const expected = `a token with sub ${JSON.stringify(tokens.subject)} and no client_id refused (4xx), or passed on as no system user (seed 003: client_id == sub marks a system token)`;
  const controlEcho = readEcho(world.target, calls.control).identity;
  const controlSystem = controlEcho ? seenAsSystem(controlEcho) : undefined;
  if (controlSystem !== true) {
    const why =
      controlEcho === undefined
        ? `the same token with client_id was not served by the identity echo (${describeOutcome(calls.control)}), so the echo cannot show how a token is placed`
        : controlSystem === false
          ? `the same token with client_id did not arrive as the system either (${describeIdentity(controlEcho)}); REQ-ID-07 reports that`
          : `the identity echo states neither a kind nor a client id (${describeIdentity(controlEcho)}), so it cannot show whether the component sees a system user`;
    couldNotJudge(world, { requirement, expected, why });
    return;
  }
  const probe = calls.probe;
  if (isClientError(probe)) {
    check(world, { requirement, expected, observed: `refused: ${describeOutcome(probe)}` }, () => expect(isClientError(probe)).to.equal(true));
    return;
  }
  const echoed = readEcho(world.target, probe).identity;
  if (!echoed) {
    couldNotJudge(world, { requirement, expected, why: `the gateway neither refused the token (a 4xx) nor served it readably (${describeOutcome(probe)}); REQ-BEARER-12 judges a server error` });
    return;
  }
  const system = seenAsSystem(echoed);
  check(world, { requirement, expected, observed: `${describeOutcome(probe)}; the component received ${describeIdentity(echoed)}` }, () =>
    expect(system, 'passed on as a system user').to.not.equal(true),
  );
}

// --- REQ-ID-14: what the component serves to such a token -------------------------------------------------

export interface CustomerDataCalls {
  readonly owner: TestUser;
  readonly control: Exchange;
  readonly probe: Exchange;
}

/** The first test customer's data asked for with the whole token (control: a system token "darf alles"), then without client_id. */
export async function customerDataWithAndWithoutClientId(world: CtkWorld, tokens: NoClientIdTokens, owner: TestUser): Promise<CustomerDataCalls> {
  const control = await requestCustomerData(world, tokens.whole, owner, false);
  const probe = await requestCustomerData(world, tokens.withoutClientId, owner);
  return { owner, control, probe };
}

/**
 * REQ-ID-14: the token without client_id is no system token, and its sub (the system client's id) names no customer:
 * the owner's records are refused (any 4xx), never served. Judged only where the whole token was served them.
 */
export async function judgeNoClientIdGetsNoCustomerData(world: CtkWorld, calls: CustomerDataCalls, tokens: NoClientIdTokens): Promise<void> {
  const requirement = 'REQ-ID-14';
  const { owner } = calls;
  const expected = `the records of ${owner.customerId} refused (4xx) to a token with sub ${JSON.stringify(tokens.subject)} and no client_id (seed 003: only client_id == sub "darf alles")`;
  const control = customerDataOutcome(calls.control);
  if (control.kind !== 'served') {
    couldNotJudge(world, { requirement, expected, why: `the same token with client_id was not served the records either (${describeOutcome(calls.control)}); REQ-ID-05 reports what a system token gets` });
    return;
  }
  const probe = customerDataOutcome(calls.probe);
  if (probe.kind === 'other' || (probe.kind === 'served' && probe.customers.length === 0)) {
    couldNotJudge(world, { requirement, expected, why: `${describeOutcome(calls.probe)}: neither a refusal nor an answer that names whose records it holds` });
    return;
  }
  const observed = probe.kind === 'served' ? `${describeOutcome(calls.probe)}; customers in the answer: ${JSON.stringify(probe.customers)}` : `refused: ${describeOutcome(calls.probe)}`;
  if (probe.kind === 'served' && (await passedOnAsSystem(world, tokens, requirement, expected))) return;
  check(world, { requirement, expected, observed }, () => {
    expect(probe.kind, 'the records were served').to.equal('refused');
  });
}

/** The requirement a gateway that passes a token without client_id on as a system user breaks (seed 003). */
const NO_CLIENT_ID_ROOT = 'REQ-ID-13';

/**
 * One cause, one finding (support/verdict/check.ts reportRootCause). Records served to the token without client_id
 * are, where the identity echo shows the gateway passing that token on as the system (and the whole token too, the
 * control), what the component rightly does for a system user: REQ-ID-13's finding, the gateway's, and REQ-ID-14 is
 * not judged on it. The echo is asked only after the records were served; where it shows no system user (or cannot
 * tell), the records are the component's own doing and REQ-ID-14's finding. True when it reported.
 */
async function passedOnAsSystem(world: CtkWorld, tokens: NoClientIdTokens, requirement: string, expected: string): Promise<boolean> {
  if (!requirementApplies(world.target, NO_CLIENT_ID_ROOT)) return false;
  let calls: NoClientIdCalls;
  try {
    calls = {
      control: await callGateway(world, { route: 'identity echo', authorization: bearer(tokens.whole), keepAsLast: false }),
      probe: await callGateway(world, { route: 'identity echo', authorization: bearer(tokens.withoutClientId), keepAsLast: false }),
    };
  } catch (error) {
    if (error instanceof RouteNotDescribedError) return false;
    throw error;
  }
  const control = readEcho(world.target, calls.control).identity;
  const echoed = readEcho(world.target, calls.probe).identity;
  if (!control || seenAsSystem(control) !== true || !echoed || seenAsSystem(echoed) !== true) return false;
  reportRootCause(
    world,
    {
      requirement: NO_CLIENT_ID_ROOT,
      expected: `a token with sub ${JSON.stringify(tokens.subject)} and no client_id refused (4xx), or passed on as no system user (seed 003: client_id == sub marks a system token)`,
      observed: `${describeOutcome(calls.probe)}; the component received ${describeIdentity(echoed)}`,
    },
    () => expect(seenAsSystem(echoed), 'passed on as a system user').to.not.equal(true),
    [{ requirement, expected }],
    { why: `the gateway passes the token without client_id on as the system user (${describeIdentity(echoed)}), and a system user "darf alles"` },
  );
  return true;
}
