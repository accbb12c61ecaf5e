/**
 * One cause, one finding across the run for a token endpoint that refuses valid credentials: HTTP Basic refused to
 * every client (RFC 6749 §2.3.1: the server MUST support it; REQ-CAUTH-01), the form body refused (REQ-CAUTH-02), or
 * every valid request refused whatever the method (REQ-TOK-01). Every client the profile registered for that way is
 * refused then: the short-TTL and rotation clients, the web client's code redemptions, the audit's successful login,
 * the DPoP request, a rate-limited address served again. Each of their scenarios failed its own requirement on that
 * 401 (measured against fault ignore-basic-auth: REQ-PKCE-01/-02, REQ-HUM-05, REQ-AUTHZ-05/-08, REQ-AUD-01,
 * REQ-DPOP-01 and REQ-TOK-01 for two more clients; against token-endpoint-refuses-everything-401 the same and
 * REQ-RL-08), none of which is the cause. The per-scenario ladder (auth-method-cause.ts) only reaches the system
 * client's own scenarios.
 *
 * So when a request with a client's registered credentials is refused, the system client's valid secret is tried
 * both ways (the form body only where it may use it), once per worker, and compared with that refusal (refusedAlike:
 * both a failed login, 401 or invalid_client; or one status and one error code, as an endpoint behind a proxy that
 * drops POST bodies answers 400 invalid_request to everything: fault token-endpoint-refuses-everything-400 failed 13
 * requirements beside REQ-TOK-01 before this):
 *   - refused alike the way the request was sent, served the other way: the method is the cause, the scenario is
 *     blocked on REQ-CAUTH-01 (HTTP Basic) or REQ-CAUTH-02 (form body), whose own scenario fails it;
 *   - refused alike that way and refused the other (or there is no other): the endpoint refuses valid credentials,
 *     blocked on REQ-TOK-01;
 *   - served that way, or refused otherwise: nothing is concluded, the refusal stands as the scenario's own evidence
 *     (a wrong redirect_uri's 400 invalid_grant where the control gets a token is REQ-HUM-05's to judge).
 * The scenarios that judge exactly these requests (REQ-CAUTH-01, REQ-CAUTH-02, and REQ-TOK-01 for the system client,
 * which auth-method-cause.ts attributes) are left to their own ladder. A conforming server never sees the control: it
 * is sent only after such a refusal, and then answers it with tokens.
 */
import type { CtkWorld } from '../world.ts';
import { authorizationOf, describeOutcome, formOf, jsonOf, type Exchange } from '../http/exchange.ts';
import type { ClientCredentials } from '../target/target.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { requirementApplies } from '../target/applicability.ts';
import { countsAsFailedLogin } from './own-address-guard.ts';
import { mayUseFormBody, requestToken, tokenResponseOf } from './token-client.ts';

type Way = 'basic' | 'body';
const REQUIREMENT_OF: Readonly<Record<Way, string>> = { basic: 'REQ-CAUTH-01', body: 'REQ-CAUTH-02' };
const DESCRIBED: Readonly<Record<Way, string>> = { basic: 'with HTTP Basic', body: 'in the form body' };

/** The system client's valid secret each way: its answer, or undefined where it may not use that way. */
interface Control {
  readonly basic: Exchange;
  readonly body: Exchange | undefined;
}

/** Per worker process: the control is sent at most once while it concludes (undefined: not asked yet). */
let control: Promise<Control> | undefined;

/** Per worker process: HTTP Basic was found refused to every client while the form body is served (REQ-CAUTH-01's cause). */
let basicRefusedToEveryClient = false;

/** For the kit's own tests. */
export function resetValidCredentialsRefused(): void {
  control = undefined;
  basicRefusedToEveryClient = false;
}

/** Whether this worker found HTTP Basic refused to every client while the form body is served. */
export const basicRefusedEverywhere = (): boolean => basicRefusedToEveryClient;

/** Remembered when a request was blocked on REQ-CAUTH-01: later set-ups of this worker go to the form body at once. */
export function rememberBasicRefused(): void {
  basicRefusedToEveryClient = true;
}

/** The requirements whose scenarios judge the system client's own secret sent each way (auth-method-cause.ts). */
const JUDGES_THE_METHOD = ['REQ-CAUTH-01', 'REQ-CAUTH-02'];

export function judgesThisRequest(world: CtkWorld, client: ClientCredentials): boolean {
  // A world made up by a unit test may carry no scenario: it judges nothing, so nothing is exempt.
  const ids: readonly string[] = world.requirementIds ?? [];
  if (ids.some((id) => JUDGES_THE_METHOD.includes(id))) return true;
  return ids.includes('REQ-TOK-01') && client.clientId === world.target.clients.system.clientId;
}

async function systemClientBothWays(world: CtkWorld): Promise<Control> {
  const system = world.target.clients.system;
  const basic = await requestToken(world, system, { method: 'basic', keepAsLast: false, rootControl: true });
  const bodyAllowed = mayUseFormBody(world.target, system) && requirementApplies(world.target, 'REQ-CAUTH-02');
  const body = bodyAllowed ? await requestToken(world, system, { method: 'body', keepAsLast: false, rootControl: true }) : undefined;
  return { basic, body };
}

/** The worker's control, asked once while it concludes: no answer at all concludes nothing and may change (a dropped connection), so it is asked again next time. */
async function askedControl(world: CtkWorld): Promise<Control> {
  const asked = control ?? (control = systemClientBothWays(world));
  const answers = await asked;
  if ((!answers.basic.response || (answers.body && !answers.body.response)) && control === asked) control = undefined;
  return answers;
}

/** One of the profile's clients with its own secret: a made-up one (REQ-CAUTH-05's unknown client) has no valid credentials. */
const isRegisteredClient = (world: CtkWorld, client: ClientCredentials): boolean =>
  Object.values(world.target.clients ?? {}).some((c) => typeof c === 'object' && c !== null && (c as ClientCredentials).clientId === client.clientId && (c as ClientCredentials).clientSecret === client.clientSecret);

/** An answer that refuses the request: an error status other than the rate limit's 429 (a limit refuses no credentials). */
const isRefusal = (exchange: Exchange): boolean => {
  const status = exchange.response?.status;
  return status !== undefined && status >= 400 && status !== 429;
};

/**
 * Two refusals of the same kind: both a failed login (401, or invalid_client whatever the status), or both the same
 * error status with the same error code (none for both counts: a 500 to everything).
 */
export function refusedAlike(a: Exchange, b: Exchange): boolean {
  if (!isRefusal(a) || !isRefusal(b)) return false;
  if (countsAsFailedLogin(a) && countsAsFailedLogin(b)) return true;
  return a.response?.status === b.response?.status && jsonOf(a)?.error === jsonOf(b)?.error;
}

/** How `exchange` sent the client's secret: an Authorization: Basic header, or client_secret in the form. */
function wayOf(exchange: Exchange): Way | undefined {
  if (/^basic\s/i.test(authorizationOf(exchange.request) ?? '')) return 'basic';
  return formOf(exchange.request)?.has('client_secret') ? 'body' : undefined;
}

/**
 * After `exchange`, a request with `client`'s registered credentials: throws PrerequisiteBlocked where it was refused
 * and the system client's valid secret is refused alike, sent the same way (see the header).
 */
export async function blockWhereValidCredentialsAreRefused(world: CtkWorld, client: ClientCredentials, exchange: Exchange): Promise<void> {
  if (!isRefusal(exchange) || !isRegisteredClient(world, client)) return;
  const way = wayOf(exchange);
  if (way === undefined || judgesThisRequest(world, client)) return;
  const { basic, body } = await askedControl(world);
  const same = way === 'basic' ? basic : body;
  const other = way === 'basic' ? body : basic;
  if (!same || !refusedAlike(same, exchange)) return;
  const refused = `the valid credentials of ${client.clientId} sent ${DESCRIBED[way]} got ${describeOutcome(exchange)}`;
  if (other && tokenResponseOf(other)) {
    throw new PrerequisiteBlocked(
      REQUIREMENT_OF[way],
      `blocked: ${refused}, and the token endpoint refuses that way itself (the system client's valid secret ${DESCRIBED[way]} got ${describeOutcome(same)} where ${DESCRIBED[way === 'basic' ? 'body' : 'basic']} it got a token): ${REQUIREMENT_OF[way]} reports that`,
      `fix what ${REQUIREMENT_OF[way]} reports (RFC 6749 §2.3.1); this requirement is judged once that way is accepted`,
    );
  }
  if (other && !isRefusal(other)) return;
  const otherWay = other ? ` and ${DESCRIBED[way === 'basic' ? 'body' : 'basic']} too (${describeOutcome(other)})` : ' (it may use no other way here)';
  throw new PrerequisiteBlocked(
    'REQ-TOK-01',
    `blocked: ${refused}, and the token endpoint refuses the system client's valid secret ${DESCRIBED[way]} (${describeOutcome(same)})${otherWay}: REQ-TOK-01 reports that refusal`,
    'fix what REQ-TOK-01 reports; this requirement is judged once the token endpoint serves valid credentials',
  );
}

/**
 * The same rule for a client authentication method without a secret of the system client's (private_key_jwt,
 * client_secret_jwt: REQ-PKJWT-01, REQ-CSJWT-01; a certificate: REQ-MTLS-01): where the correct request `exchange`
 * was refused alike the system client's valid secret, refused both ways (faults token-endpoint-refuses-everything-401
 * and -400 failed all three beside REQ-TOK-01), the endpoint refuses valid credentials
 * whatever they are: the scenario is blocked on REQ-TOK-01. Where the system client's secret gets a token, the
 * refusal is the method's own finding.
 */
export async function blockWhereEveryValidRequestIsRefused(world: CtkWorld, exchange: Exchange, what: string): Promise<void> {
  if (!isRefusal(exchange) || !requirementApplies(world.target, 'REQ-TOK-01')) return;
  const { basic, body } = await askedControl(world);
  if (tokenResponseOf(basic) || (body && tokenResponseOf(body)) || !refusedAlike(basic, exchange)) return;
  if (body && !isRefusal(body)) return;
  const bodyToo = body ? ` and in the form body (${describeOutcome(body)})` : '';
  throw new PrerequisiteBlocked(
    'REQ-TOK-01',
    `blocked: ${what} got ${describeOutcome(exchange)}, and the token endpoint refuses the system client's valid secret with HTTP Basic (${describeOutcome(basic)})${bodyToo} as well: it refuses valid credentials whatever they are, REQ-TOK-01 reports that refusal`,
    'fix what REQ-TOK-01 reports; this requirement is judged once the token endpoint serves valid credentials',
  );
}
