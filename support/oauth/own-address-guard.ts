/**
 * Keeps the run's own address (127.0.0.1, every scenario's) out of the target's IP block when the target refuses
 * the kit's VALID credentials. Seed 001: "continuous failed login attempts from the same IP" block that IP, and a
 * target does not know which refusals were the kit's deliberate ones. The kit's wrong secrets already go out from
 * addresses of their own (source-address.ts); but a token endpoint that refuses a correct request — HTTP Basic
 * ignored, a credential store that lost the client — refuses every scenario's ordinary request from 127.0.0.1.
 * Measured against fault ignore-basic-auth: the reference blocked 127.0.0.1 after five, the rest of the run met
 * connection errors, 14 requirements failed (REQ-HUM-01 on an empty login page, REQ-DPOP-01, REQ-MTLS-01 ...) and
 * REQ-CAUTH-01, the one cause, was never judged.
 *
 * So requestToken counts, run-wide (the workers share the count, offered by the CLI's main thread), the answers to
 * the own address's requests with a client's registered credentials that a target counts as failed logins: 401 or
 * invalid_client, and invalid_grant to a password grant. While none has come, nothing changes (a correct target
 * never sees a difference). After the first, a request leaves from 127.0.0.1 only while the refusals plus the
 * requests still in flight stay under the failures the target tolerates (failureBudget: failedAttempts - 1); any
 * other goes out from a failures address, which takes it as one of its own failures. When none is left the
 * request is not sent: the scenario is blocked on REQ-TOK-01, which reports the refusals, rather than risking the
 * block that would cost every other scenario its verdict.
 * The failures addresses are few (a share of the run's sourceAddresses per worker): a set-up's rerouted request never
 * takes the last untouched one. Measured against fault token-endpoint-refuses-everything-401 in a whole run: the
 * set-ups of ~170 scenarios used up every worker's failures addresses before token-issuance's first scenario ran, and
 * REQ-TOK-01 — the requirement that reports the refusal — was itself "blocked", the one cause left unreported.
 * And a rerouted request that was served gives its failure back: against fault ignore-body-credentials the rerouted
 * requests went with HTTP Basic, which that target serves, yet each used up a failure, and whole runs ended with 26
 * to 31 requirements not testable (REQ-TOK-01..08 among them in one).
 */
import type { TargetDescription } from '../target/target.ts';
import { formOf, jsonOf, type Exchange } from '../http/exchange.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { addressForFailures, failureBudget, NoFailureAddressLeft, returnFailures } from './source-address.ts';
import { SharedCells } from '../run/shared-memory.ts';
import { judgesValidCredentials } from '../requirements/valid-credential-judges.ts';

/** The key under which the main thread hands the workers the shared count. */
export const OWN_ADDRESS_REFUSALS_KEY = 'auth-ctk:own-address-refusals';
const REFUSALS = 0;
const IN_FLIGHT = 1;

const memory = new SharedCells(OWN_ADDRESS_REFUSALS_KEY, 2 * Int32Array.BYTES_PER_ELEMENT, (m) => new Int32Array(m));

/** The main thread, before the workers start: one count for the address they all share. */
export const offerSharedOwnAddressCount = (): void => memory.offer();

const countCells = (): Int32Array => memory.cells;

/** For the kit's own tests. */
export const resetOwnAddressCount = (shared?: SharedArrayBuffer): void => memory.reset(shared);

/** What a target counts as a failed login (seed 001): a refused client authentication or a refused password. */
export function countsAsFailedLogin(exchange: Exchange): boolean {
  const status = exchange.response?.status;
  if (status === undefined) return false;
  if (status === 401) return true;
  const error = jsonOf(exchange)?.error;
  return error === 'invalid_client' || (error === 'invalid_grant' && formOf(exchange.request)?.get('grant_type') === 'password');
}

/** An answer that shows the address took no failed login and is not blocked: a 2xx, or a 400 that is no failed login. */
function tookNoFailure(exchange: Exchange): boolean {
  const status = exchange.response?.status;
  if (status === undefined) return false;
  return (status >= 200 && status < 300) || (status === 400 && !countsAsFailedLogin(exchange));
}

/** Where one token request goes, and what to do with its answer. */
export interface OwnAddressRoute {
  /** undefined: the run's own address. */
  readonly sourceAddress: string | undefined;
  /** Why it does not leave from the own address (for the scenario's log). */
  readonly why?: string;
  /** Once, after the request: its exchange, or undefined when sending threw. */
  answered(exchange: Exchange | undefined): void;
}

const NO_COUNT: OwnAddressRoute = { sourceAddress: undefined, answered: () => undefined };

/** Untouched failures addresses (per worker) a set-up's rerouted request leaves to the scenarios that judge valid credentials. */
export const KEPT_FOR_JUDGES = 1;

/**
 * The route of a token request that would leave from the own address with a client's registered credentials.
 * Sends nothing: the caller sends, then calls answered() once (also when no answer came).
 */
export function routeOwnAddressRequest(target: TargetDescription, judgesRefusal = false): OwnAddressRoute {
  const budget = failureBudget(target);
  if (!Number.isFinite(budget)) return NO_COUNT;
  const count = countCells();
  const refusals = Atomics.load(count, REFUSALS);
  if (refusals === 0 || refusals + Atomics.load(count, IN_FLIGHT) < budget) {
    Atomics.add(count, IN_FLIGHT, 1);
    return {
      sourceAddress: undefined,
      answered: (exchange) => {
        if (exchange && countsAsFailedLogin(exchange)) Atomics.add(count, REFUSALS, 1);
        Atomics.sub(count, IN_FLIGHT, 1);
      },
    };
  }
  const why = `the target already refused ${refusals} of this run's requests with valid credentials from its own address, and counts refusals as failed logins (it blocks after ${target.limits.ipBlock?.failedAttempts ?? 'some'})`;
  try {
    const taken = addressForFailures(target, 1, undefined, judgesRefusal ? 0 : KEPT_FOR_JUDGES);
    const address = taken.sourceAddress;
    if (address !== undefined) {
      return {
        sourceAddress: address,
        why: `${why}: this request goes out from ${address}`,
        // Served, or refused for something in the request (a 400 that is no failed login): that address took no
        // failure from it. Anything else keeps it — a 403, 429 or dropped connection may be that address's block.
        answered: (exchange) => {
          if (exchange && tookNoFailure(exchange)) returnFailures(taken);
        },
      };
    }
  } catch (error) {
    if (!(error instanceof NoFailureAddressLeft)) throw error;
  }
  throw new PrerequisiteBlocked(
    'REQ-TOK-01',
    `blocked: ${why}, and no other client IP is left to send this token request from; one more refusal could get the run's own address blocked for every other scenario`,
    'fix what REQ-TOK-01 (or REQ-CAUTH-01 / -02) reports: the token endpoint refuses valid credentials; more sourceAddresses in the target profile let the kit go on judging the rest',
  );
}

/**
 * Sends one request with a client's registered credentials along its route (routeOwnAddressRequest): `send` gets the
 * source address (undefined: the run's own) and everything it awaits — pacing included — counts as in flight until
 * its answer (or its error) is counted.
 */
export async function sendGuarded(
  world: { readonly target: TargetDescription; readonly requirementIds?: readonly string[]; log(text: string): void },
  send: (sourceAddress: string | undefined) => Promise<Exchange>,
): Promise<Exchange> {
  const route = routeOwnAddressRequest(world.target, judgesValidCredentials(world.requirementIds));
  if (route.why) world.log(route.why);
  let exchange: Exchange | undefined;
  try {
    exchange = await send(route.sourceAddress);
  } finally {
    route.answered(exchange);
  }
  return exchange;
}
