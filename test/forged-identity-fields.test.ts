/**
 * REQ-ID-09 beyond the subject: a gateway that forwards the identity as separate headers (the profile's
 * forwardedHeaders) and overwrites only the subject and client id it sets itself lets a caller's kind or roles header
 * through (oauth2-proxy's X-Forwarded-Groups pattern). Each simulated gateway below answers the identity echo the way
 * an httpbin-style component shows the headers it got; the judge must fail the leaky ones and pass the one that strips
 * or overwrites every identity header — with the token's own identity seen, so the pass is not vacuous.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeReferenceTarget } from '../support/target/reference-target.ts';
import { gatewayOf, type IdentityEchoFormat, type TargetDescription } from '../support/target/target.ts';
import type { Exchange, HttpRequest } from '../support/http/exchange.ts';
import { bearer } from '../support/gateway/gateway-client.ts';
import { forgedIdentityHeaders } from '../support/identity/spoofing.ts';
import { judgeForgedIdentityIgnored } from '../support/identity/verdicts.ts';
import { RequirementViolation } from '../support/verdict/check.ts';
import { recordingWorld } from './helpers/recording-world.ts';

const FORMAT: IdentityEchoFormat = {
  forwardedHeaders: { subject: 'X-Auth-Sub', clientId: 'X-Auth-Client-Id', kind: 'X-Auth-Kind', roles: [{ name: 'X-Auth-Roles', separator: ',' }] },
};

function target(): TargetDescription {
  const t = describeReferenceTarget({ idp: 'http://127.0.0.1:1', issuer: 'http://127.0.0.1:1', gateway: 'http://127.0.0.1:2', component: '' });
  return { ...t, gateway: { ...gatewayOf(t), routes: { ...gatewayOf(t).routes, identityEchoFormat: FORMAT } } };
}

/** A customer's token (an unsigned JWT is enough: the judge reads its claims, it does not verify them). */
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const CUSTOMER_TOKEN = `${part({ alg: 'RS256', typ: 'at+jwt' })}.${part({ sub: 'cust-1', client_id: 'ctk-web', roles: ['customer'] })}.c2ln`;

/** What the gateway writes over the caller's headers, given the validated token's identity. */
type Gateway = (caller: Record<string, string>) => Record<string, string>;

const IDENTITY_HEADERS = ['x-auth-sub', 'x-auth-client-id', 'x-auth-kind', 'x-auth-roles'];
const own = { 'X-Auth-Sub': 'cust-1', 'X-Auth-Client-Id': 'ctk-web', 'X-Auth-Kind': 'human', 'X-Auth-Roles': 'customer' };
const without = (headers: Record<string, string>, names: readonly string[]) => Object.fromEntries(Object.entries(headers).filter(([n]) => !names.includes(n.toLowerCase())));

const GATEWAYS: Record<string, Gateway> = {
  'strips every identity header, then sets its own': (caller) => ({ ...without(caller, IDENTITY_HEADERS), ...own }),
  'overwrites the subject and client id only': (caller) => ({ ...caller, 'x-auth-sub': own['X-Auth-Sub'], 'x-auth-client-id': own['X-Auth-Client-Id'] }),
  'sets its kind, but adds its roles to the caller\'s': (caller) => ({ ...caller, 'x-auth-sub': 'cust-1', 'x-auth-client-id': 'ctk-web', 'x-auth-kind': 'human', 'x-auth-roles': [caller['x-auth-roles'], 'customer'].filter(Boolean).join(',') }),
  'sets no kind header, and passes the caller\'s on': (caller) => ({ ...without(caller, ['x-auth-sub', 'x-auth-client-id', 'x-auth-roles']), 'x-auth-sub': 'cust-1', 'x-auth-client-id': 'ctk-web', 'x-auth-roles': 'customer' }),
};

function worldBehind(gateway: Gateway) {
  const t = target();
  const sent: string[] = [];
  const world = Object.assign(recordingWorld(['REQ-ID-09']), {
    target: t,
    log: () => undefined,
    notTestable: (_ids: readonly string[], reason: string) => assert.fail(`not testable: ${reason}`),
    send: async (request: HttpRequest): Promise<Exchange> => {
      const caller = Object.fromEntries(Object.entries(request.headers ?? {}).filter(([n]) => n !== 'authorization').map(([n, v]) => [n, String(v)]));
      sent.push(request.url);
      return { request, response: { status: 200, headers: { 'content-type': 'application/json' }, rawHeaders: [], body: JSON.stringify({ headers: gateway(caller) }) }, startedAt: 0, durationMs: 1 };
    },
  });
  return { world, sent };
}

async function judgeBehind(gateway: Gateway) {
  const { world, sent } = worldBehind(gateway);
  const headers = { accept: 'application/json', ...forgedIdentityHeaders(world.target), authorization: bearer(CUSTOMER_TOKEN) };
  const forged = await world.send({ method: 'GET', url: 'http://127.0.0.1:2/echo', headers });
  await judgeForgedIdentityIgnored(world, 'REQ-ID-09', forged, CUSTOMER_TOKEN, 'cust-1');
  return { world, controls: sent.length - 1 };
}

test('a gateway that strips or overwrites every identity header passes, having shown the token\'s own identity', async () => {
  const { world, controls } = await judgeBehind(GATEWAYS['strips every identity header, then sets its own']!);
  assert.equal(controls, 1, 'the kind is compared with the same token without forged headers');
  assert.deepEqual(world.violations, []);
  assert.equal(world.checks.filter((c) => c.outcome === 'holds').length, 1);
});

const LEAKS: Record<string, RegExp> = {
  // Both its roles and its kind leak; the roles are asserted first.
  'overwrites the subject and client id only': /to not include 'ctk-forged-role'/,
  "sets its kind, but adds its roles to the caller's": /roles\/scopes the component received: expected .* to not include 'ctk-forged-role'/,
  "sets no kind header, and passes the caller's on": /kind: expected 'system' to equal undefined/,
};
for (const [name, leak] of Object.entries(LEAKS)) {
  test(`a gateway that ${name} fails REQ-ID-09`, async () => {
    await assert.rejects(judgeBehind(GATEWAYS[name]!), (e: Error) => e instanceof RequirementViolation && /REQ-ID-09/.test(e.message) && leak.test(e.message));
  });
}
