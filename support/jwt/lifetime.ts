/**
 * Token lifetime: what the token says (exp, iat), what the response says (expires_in, Date), and waiting until a
 * token has certainly expired at the gateway — computed from the token's own exp, never a blind sleep.
 *
 * Timing tolerances (documented once, here):
 *  - exp and iat are whole seconds and the gateway compares with a clock read in whole seconds (jose floors),
 *    so "expired beyond the leeway" is certain only from exp + leeway + 1 s: EXPIRY_MARGIN_MS.
 *  - The IdP's clock is estimated from the Date header of its token response (1 s resolution); an offset under
 *    1.5 s is indistinguishable from that resolution and ignored. Larger offsets shift the wait, on the
 *    assumption that the gateway's clock agrees with the IdP's (both are the deployment's; the kit is the outsider).
 */
import type { Exchange } from '../http/exchange.ts';
import type { IssuedToken } from '../oauth/issued.ts';
import { isNumericDate } from './decode.ts';

export const EXPIRY_MARGIN_MS = 1_000;
const OFFSET_NOISE_MS = 1_500;

export interface Lifetime {
  readonly seconds: number;
  readonly source: 'exp - iat' | 'expires_in';
}

/** exp - iat when the token is a JWT with both, else expires_in, else undefined. */
export function lifetimeOf(issued: IssuedToken): Lifetime | undefined {
  const exp = issued.decoded?.claims.exp;
  const iat = issued.decoded?.claims.iat;
  if (isNumericDate(exp) && isNumericDate(iat)) return { seconds: exp - iat, source: 'exp - iat' };
  const expiresIn = issued.response?.expires_in;
  if (typeof expiresIn === 'number') return { seconds: expiresIn, source: 'expires_in' };
  return undefined;
}

/** The Date header as epoch ms, if the response has a readable one. */
export function dateHeaderOf(exchange: Exchange | undefined): number | undefined {
  const value = exchange?.response?.headers.date;
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Target clock minus local clock, in ms, from the Date of an answer (taken at the middle of the exchange);
 * 0 when there is no Date or the difference is within the Date header's resolution.
 */
export function clockOffsetMs(exchange: Exchange | undefined): number {
  const date = dateHeaderOf(exchange);
  if (date === undefined || !exchange) return 0;
  // Date is truncated to the second: the target's clock was somewhere in [date, date + 1000).
  const offset = date + 500 - (exchange.startedAt + exchange.durationMs / 2);
  return Math.abs(offset) < OFFSET_NOISE_MS ? 0 : offset;
}

/**
 * Local time (epoch ms) from which the token is expired beyond the gateway's leeway for certain. A JWT says when
 * (exp, moved to the local clock by the Date offset). An opaque token says only how long (expires_in), counted from
 * a moment the kit did not see: the server minted it somewhere between the request's send and the answer's
 * arrival, so "certainly expired" counts from the ARRIVAL (the latest it can have been minted), on the local clock
 * alone (a duration needs no clock offset). Counted from the send instead, an answer that took longer than the margin
 * (a loaded machine) had the kit present a still-valid token as "expired" — a false failure of a correct gateway.
 */
export function certainlyExpiredAt(issued: IssuedToken, leewaySeconds: number): number | undefined {
  const exp = issued.decoded?.claims.exp;
  const slack = leewaySeconds * 1000 + EXPIRY_MARGIN_MS;
  if (isNumericDate(exp)) return exp * 1000 + slack - clockOffsetMs(issued.exchange);
  const expiresIn = issued.response?.expires_in;
  const mintedBy = issued.receivedAt ?? issued.sentAt;
  if (typeof expiresIn === 'number' && mintedBy !== undefined) return mintedBy + expiresIn * 1000 + slack;
  return undefined;
}

/**
 * Local time (epoch ms) until which the token is still valid for certain: exp less the offset, or for an opaque
 * token expires_in counted from the request's SEND (the earliest it can have been minted); 250 ms of slack.
 */
export function certainlyValidUntil(issued: IssuedToken): number | undefined {
  const exp = issued.decoded?.claims.exp;
  if (isNumericDate(exp)) return exp * 1000 - clockOffsetMs(issued.exchange) - 250;
  const expiresIn = issued.response?.expires_in;
  const mintedFrom = issued.sentAt ?? issued.receivedAt;
  if (typeof expiresIn === 'number' && mintedFrom !== undefined) return mintedFrom + expiresIn * 1000 - 250;
  return undefined;
}

/** Resolves no earlier than `epochMs` (a timer may fire a millisecond early: the clock is checked again). */
export async function sleepUntil(epochMs: number): Promise<void> {
  for (let left = epochMs - Date.now(); left > 0; left = epochMs - Date.now()) {
    await new Promise((resolve) => setTimeout(resolve, left));
  }
}
