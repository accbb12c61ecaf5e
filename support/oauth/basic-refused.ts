/**
 * One cause, one finding across the run for a token endpoint that refuses HTTP Basic (RFC 6749 §2.3.1: the server
 * MUST support it; REQ-CAUTH-01). Every client the profile registered for Basic (the default) is refused then: the
 * short-TTL and rotation clients, the web client's code redemptions, the audit's successful login. Each of their
 * scenarios failed its own requirement on that 401 (measured against fault ignore-basic-auth: REQ-PKCE-01/-02,
 * REQ-HUM-05, REQ-AUTHZ-05/-08, REQ-AUD-01, REQ-DPOP-01 and REQ-TOK-01 for two more clients), none of which is the
 * cause. The per-scenario ladder (auth-method-cause.ts) only reaches the system client's own scenarios.
 *
 * So when a request with a client's registered credentials, sent with HTTP Basic, is refused as a failed login (401
 * or invalid_client), the system client's valid secret is tried both ways, once per worker: refused with HTTP Basic
 * and served in the form body, the cause is HTTP Basic, and the scenario is blocked on REQ-CAUTH-01 (whose own
 * scenario fails it) instead of failing its requirement. Served with Basic too, or no form body to compare with:
 * nothing is concluded, the refusal stands as the scenario's own evidence. The scenarios that judge exactly these
 * requests (REQ-CAUTH-01, REQ-CAUTH-02, and REQ-TOK-01 for the system client, which auth-method-cause.ts attributes)
 * are left to their own ladder. A conforming server never sees the control: it is sent only after such a refusal.
 */
import type { CtkWorld } from '../world.ts';
import { authorizationOf, describeOutcome, type Exchange } from '../http/exchange.ts';
import type { ClientCredentials } from '../target/target.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { requirementApplies } from '../target/applicability.ts';
import { countsAsFailedLogin } from './own-address-guard.ts';
import { mayUseFormBody, requestToken, tokenResponseOf } from './token-client.ts';

/** What the system client's two ways showed: Basic refused while the body got a token; 'no'; or no answer to go by. */
type Control = { readonly basic: Exchange } | 'no' | 'unknown';

/** Per worker process: the control is sent at most once while it concludes (undefined: not asked yet). */
let control: Promise<Control> | undefined;

/** For the kit's own tests. */
export function resetBasicRefused(): void {
  control = undefined;
}

/** The requirements whose scenarios judge the system client's own secret sent each way (auth-method-cause.ts). */
const JUDGES_THE_METHOD = ['REQ-CAUTH-01', 'REQ-CAUTH-02'];

function judgesThisRequest(world: CtkWorld, client: ClientCredentials): boolean {
  // A world made up by a unit test may carry no scenario: it judges nothing, so nothing is exempt.
  const ids: readonly string[] = world.requirementIds ?? [];
  if (ids.some((id) => JUDGES_THE_METHOD.includes(id))) return true;
  return ids.includes('REQ-TOK-01') && client.clientId === world.target.clients.system.clientId;
}

async function systemClientBothWays(world: CtkWorld): Promise<Control> {
  const system = world.target.clients.system;
  if (!mayUseFormBody(world.target, system) || !requirementApplies(world.target, 'REQ-CAUTH-02')) return 'no';
  const basic = await requestToken(world, system, { method: 'basic', keepAsLast: false, rootControl: true });
  if (!basic.response) return 'unknown';
  if (!countsAsFailedLogin(basic)) return 'no';
  const body = await requestToken(world, system, { method: 'body', keepAsLast: false, rootControl: true });
  if (!body.response) return 'unknown';
  if (!tokenResponseOf(body)) return 'no';
  world.log(`the system client's valid secret: HTTP Basic got ${describeOutcome(basic)}, the form body got a token: the token endpoint refuses HTTP Basic (REQ-CAUTH-01)`);
  return { basic };
}

/**
 * After `exchange`, a request with `client`'s registered credentials: throws PrerequisiteBlocked on REQ-CAUTH-01
 * where it was sent with HTTP Basic, refused as a failed login, and the token endpoint refuses HTTP Basic itself.
 */
export async function blockWhereBasicIsRefused(world: CtkWorld, client: ClientCredentials, exchange: Exchange): Promise<void> {
  if (!countsAsFailedLogin(exchange) || !/^basic\s/i.test(authorizationOf(exchange.request) ?? '')) return;
  if (judgesThisRequest(world, client)) return;
  const asked = control ?? (control = systemClientBothWays(world));
  const refused = await asked;
  // No answer at all concludes nothing and may change: ask again next time.
  if (refused === 'unknown' && control === asked) control = undefined;
  if (typeof refused === 'string') return;
  throw new PrerequisiteBlocked(
    'REQ-CAUTH-01',
    `blocked: the valid credentials of ${client.clientId} sent with HTTP Basic got ${describeOutcome(exchange)}, and the token endpoint refuses HTTP Basic itself (the system client's valid secret with HTTP Basic got ${describeOutcome(refused.basic)} where the form body got a token): REQ-CAUTH-01 reports that`,
    'fix what REQ-CAUTH-01 reports (RFC 6749 §2.3.1: the server MUST support HTTP Basic); this requirement is judged once HTTP Basic is accepted',
  );
}
