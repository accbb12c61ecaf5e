/**
 * The web front end's own system user (seeds 000, 003). Seed 000: "The Web/App/Chat frontend will have a System
 * User to authenticate as the sequence diagram above" (client credentials), and "a website displaying a catalog from
 * a product catalog component would authorize as the website, and not as the human end-user" — REQ-ID-16, a seed
 * requirement. Whether that system user is confined to what the front end needs, no seed says: seed 003 says a
 * client-credentials token "darf alles". So REQ-ID-17 is RFC 9700 §2.3's SHOULD (least privilege): a route the
 * profile says the front end does not need that serves its token is a warning quoting the seeds, never a failure.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { check, couldNotJudge } from '../verdict/check.ts';
import type { ClientCredentials } from '../target/target.ts';
import { bearer, callGateway, isSuccess } from '../gateway/gateway-client.ts';
import { tamper } from '../gateway/bad-credentials.ts';
import { accessTokenFor } from '../oauth/token-client.ts';
import { customerDataOutcome } from './customer-data.ts';

export type FrontEndSystemClient = ClientCredentials & { readonly notNeeded?: readonly string[] };

export const NO_FRONT_END_SYSTEM = {
  reason: "the target profile names no client of the web front end's own system user (clients.frontEndSystem)",
  remedy: 'describe clients.frontEndSystem (the front end\'s client-credentials client) and, for REQ-ID-17, the GET routes it does not need (notNeeded)',
} as const;

/** The identity echo, called with a client-credentials token of the front end's system user. */
export async function echoAsFrontEnd(world: CtkWorld, client: FrontEndSystemClient): Promise<Exchange> {
  return callGateway(world, { route: 'identity echo', authorization: bearer(await accessTokenFor(world, client)) });
}

export interface NotNeededCalls {
  /** The control: the front end's token on the protected route (the catalog, what seed 000's website displays). */
  readonly control: Exchange;
  /**
   * Each not-needed route, sent only when the control held; where it served the token, the same GET with that token's
   * signature spoiled (`tampered`): a gateway that serves that too validates no token at all (REQ-ANON-04's finding,
   * a gateway with authentication switched off), and serving the genuine token says nothing about its privileges.
   */
  readonly calls: readonly { readonly path: string; readonly exchange: Exchange; readonly tampered?: Exchange }[];
  /**
   * Sent only where a not-needed route served the front end's genuine token and refused its spoiled copy: the scoped
   * route with the read-only client's token, which lacks that route's scope. Served, the gateway enforces no scope at
   * all (REQ-BEARER-08's finding, fault ignore-scope warned here beside it), and a route serving the front end's token
   * shows that, not the front end's own privileges.
   */
  readonly scopeIgnored?: Exchange;
}

export async function callNotNeededRoutes(world: CtkWorld, client: FrontEndSystemClient): Promise<NotNeededCalls> {
  const token = await accessTokenFor(world, client);
  const control = await callGateway(world, { route: 'protected', authorization: bearer(token), keepAsLast: false });
  if (!isSuccess(control)) return { control, calls: [] };
  const customer = world.target.users[0]?.customerId;
  const calls = [];
  for (const template of client.notNeeded ?? []) {
    if (template.includes('{customerId}') && customer === undefined) continue;
    const path = template.replace('{customerId}', encodeURIComponent(customer ?? ''));
    const exchange = await callGateway(world, { route: 'named path', path, authorization: bearer(token) });
    // Asked only after the token was served there, so a gateway that confines the front end never sees it.
    const tampered = isSuccess(exchange) ? await callGateway(world, { route: 'named path', path, authorization: bearer(tamper(token)), keepAsLast: false }) : undefined;
    calls.push({ path, exchange, ...(tampered ? { tampered } : {}) });
  }
  const servedGenuineOnly = calls.some((c) => isSuccess(c.exchange) && c.tampered && !isSuccess(c.tampered));
  const readOnly = world.target.clients.readOnly;
  if (!servedGenuineOnly || !readOnly || !world.target.gateway?.routes.scoped) return { control, calls };
  const scopeIgnored = await callGateway(world, { route: 'scoped', authorization: bearer(await accessTokenFor(world, readOnly)), keepAsLast: false });
  return { control, calls, scopeIgnored };
}

export function judgeFrontEndConfined(world: CtkWorld, requirement: string, client: FrontEndSystemClient, attempt: NotNeededCalls): void {
  const expected = (path: string) =>
    `GET ${path} refuses the client-credentials token of the front end's system user ${client.clientId} (a 4xx): RFC 9700 §2.3, an access token's privileges SHOULD be restricted to the minimum required. The seeds do not require it — seed 003: a client-credentials token "darf alles"; seed 000: the front end "will have a System User" that authorizes "as the website" — so this is a warning, never a failure`;
  if (!isSuccess(attempt.control)) {
    couldNotJudge(world, {
      requirement,
      expected: expected('<each route the front end does not need>'),
      why: `the positive control failed: the front end's token was not served on the protected route either (${describeOutcome(attempt.control)}), so a refusal elsewhere would prove nothing`,
    });
    return;
  }
  for (const { path, exchange, tampered } of attempt.calls) {
    if (tampered && isSuccess(tampered)) {
      couldNotJudge(world, {
        requirement,
        expected: expected(path),
        why: `GET ${path} serves the front end's token with its signature spoiled too (${describeOutcome(tampered)}): the gateway validates no token there, so serving the genuine one says nothing about that token's privileges`,
      });
      continue;
    }
    if (isSuccess(exchange) && attempt.scopeIgnored && isSuccess(attempt.scopeIgnored)) {
      couldNotJudge(world, {
        requirement,
        expected: expected(path),
        why: `the gateway serves the read-only client's token on the scoped route too, whose scope it lacks (${describeOutcome(attempt.scopeIgnored)}): it enforces no scope, REQ-BEARER-08 reports that, so GET ${path} serving the front end's token says nothing of the privileges the front end was given`,
      });
      continue;
    }
    check(world, { requirement, expected: expected(path), observed: `protected route: ${describeOutcome(attempt.control)}; GET ${path}: ${describeOutcome(exchange)}` }, () =>
      expect(customerDataOutcome(exchange).kind, 'refused with a 4xx').to.equal('refused'),
    );
  }
}
