/**
 * The positive control of a refusal at the token endpoint. REQ-TOK-10 (no grant_type), REQ-TOK-11 (an unknown grant
 * type), REQ-TOK-15 (a client not allowed client_credentials) and REQ-TOK-20 (the password grant) pass on a refusal
 * with the right error code; each of those codes is also what an endpoint says to EVERY request when the form body
 * never reaches it (a proxy that drops or re-encodes POST bodies: "grant_type missing" is invalid_request, or
 * unsupported_grant_type) or when it reads no request of the kit's. Such a refusal proves nothing about the clause.
 * So a refusal is judged only where the same endpoint serves the system client's ordinary token request in the same
 * scenario; otherwise the scenario is blocked on REQ-TOK-01, which reports the endpoint once. A token needs no control:
 * the refusal check fails on its own.
 */
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { requestToken, tokenResponseOf } from './token-client.ts';
import { issuedAToken } from './token-errors.ts';

/** The refusals judged after the control (the refusal step's requirements of token-issuance.feature). */
export const CONTROLLED_REFUSALS: readonly string[] = ['REQ-TOK-10', 'REQ-TOK-11', 'REQ-TOK-15', 'REQ-TOK-20'];

/**
 * Returns when `answer` issued a token or the control holds (the system client's ordinary request, sent now, gets a
 * token); throws PrerequisiteBlocked('REQ-TOK-01') with both answers otherwise.
 */
export async function refusalUnderControl(world: CtkWorld, answer: Exchange, situation: string): Promise<void> {
  if (issuedAToken(answer)) return;
  const client = world.target.clients.system;
  const control = await requestToken(world, client, { keepAsLast: false });
  if (tokenResponseOf(control)) {
    world.log(`positive control: the ordinary token request of ${client.clientId} got a token, so the refusal of ${situation} is about what it varies`);
    return;
  }
  throw new PrerequisiteBlocked(
    'REQ-TOK-01',
    `blocked: the ordinary token request of ${client.clientId} is refused too (${describeOutcome(control)}), so the refusal of ${situation} (${describeOutcome(answer)}) proves nothing about it; REQ-TOK-01 reports the endpoint`,
    'fix what REQ-TOK-01 reports; this requirement is judged once the token endpoint serves an ordinary token request',
  );
}
