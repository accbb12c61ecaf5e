/**
 * The run's own address is kept out of the target's IP block when the target refuses the kit's valid credentials
 * (support/oauth/own-address-guard.ts): nothing changes while none is refused; after that, no more requests leave
 * from it than the target tolerates, the rest go out from failure addresses, and with none left the request is
 * not sent (blocked on REQ-TOK-01).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../support/http/exchange.ts';
import type { TargetDescription } from '../support/target/target.ts';
import { countsAsFailedLogin, resetOwnAddressCount, routeOwnAddressRequest } from '../support/oauth/own-address-guard.ts';
import { judgesValidCredentials } from '../support/requirements/valid-credential-judges.ts';
import { resetFailureAddresses } from '../support/oauth/source-address.ts';
import { PrerequisiteBlocked } from '../support/verdict/blocked.ts';

const answer = (status: number, json?: Record<string, unknown>, form = 'grant_type=client_credentials'): Exchange =>
  ({
    request: { method: 'POST', url: 'http://127.0.0.1:1/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form },
    response: { status, headers: { 'content-type': 'application/json' }, body: json ? JSON.stringify(json) : '' },
  }) as unknown as Exchange;

const target = (sourceAddresses: string[], blocking = true): TargetDescription =>
  ({
    name: 'guard',
    tokenEndpoint: 'http://127.0.0.1:1/token',
    sourceAddresses,
    capabilities: { 'ip-blocking': blocking },
    limits: { ipBlock: { failedAttempts: 5, blockSeconds: 2 } },
  }) as unknown as TargetDescription;

test('what a target counts as a failed login: 401, invalid_client, invalid_grant to a password grant; not a 400 about anything else, not a dropped connection', () => {
  assert.equal(countsAsFailedLogin(answer(401)), true);
  assert.equal(countsAsFailedLogin(answer(400, { error: 'invalid_client' })), true);
  assert.equal(countsAsFailedLogin(answer(400, { error: 'invalid_grant' }, 'grant_type=password&username=a&password=b')), true);
  assert.equal(countsAsFailedLogin(answer(400, { error: 'invalid_grant' }, 'grant_type=authorization_code&code=x')), false);
  assert.equal(countsAsFailedLogin(answer(400, { error: 'invalid_scope' })), false);
  assert.equal(countsAsFailedLogin(answer(200, { access_token: 'x' })), false);
  assert.equal(countsAsFailedLogin({ request: answer(200).request } as Exchange), false);
});

test('the own address takes fewer refusals than the target blocks after; then failure addresses; then nothing is sent', () => {
  resetOwnAddressCount(new SharedArrayBuffer(8));
  resetFailureAddresses();
  // 12 addresses: the upper half are the failures' (addressBudget), one failure less than the block each.
  const t = target(Array.from({ length: 12 }, (_, i) => `127.0.0.${i + 2}`));
  // A correct target: many requests in flight at once, none refused — every one leaves from the own address.
  const inFlight = Array.from({ length: 8 }, () => routeOwnAddressRequest(t));
  assert.ok(inFlight.every((r) => r.sourceAddress === undefined));
  inFlight.forEach((r) => r.answered(answer(200, { access_token: 'x' })));
  // Refused: four from the own address (the target blocks at the fifth).
  for (let i = 0; i < 4; i++) {
    const route = routeOwnAddressRequest(t);
    assert.equal(route.sourceAddress, undefined, `refusal ${i + 1} still from the own address`);
    route.answered(answer(401));
  }
  const rerouted = routeOwnAddressRequest(t);
  assert.match(rerouted.sourceAddress ?? '', /^127\.0\.0\./);
  assert.match(rerouted.why ?? '', /already refused 4 of this run's requests with valid credentials from its own address.* blocks after 5\): this request goes out from 127\.0\.0\./);
  // A set-up's request (a scenario that does not judge the refusal): every failure address but the last untouched
  // one takes its four, then the request is not sent.
  const sendUntilBlocked = (judges: boolean): number => {
    let sent = 0;
    try {
      for (;;) {
        routeOwnAddressRequest(t, judges);
        sent++;
      }
    } catch (error) {
      assert.ok(error instanceof PrerequisiteBlocked, String(error));
      assert.equal(error.blockedBy, 'REQ-TOK-01');
      assert.match(error.reason, /no other client IP is left to send this token request from/);
    }
    return sent;
  };
  assert.equal(1 + sendUntilBlocked(false), 3 * 4, 'the upper half but the browser login\'s last two: four failure addresses, four failures each, one kept');
  // The scenarios that judge the refusal (REQ-TOK-01, REQ-CAUTH-01 ...) still send theirs: measured in a whole run of
  // token-endpoint-refuses-everything-401, set-ups used every address first and REQ-TOK-01 was itself blocked.
  assert.equal(sendUntilBlocked(true), 4, 'the kept address takes the judging scenarios\' four');
  assert.equal(judgesValidCredentials(['REQ-TOK-01']), true);
  assert.equal(judgesValidCredentials(['REQ-CAUTH-02', 'REQ-DISC-08']), true);
  assert.equal(judgesValidCredentials(['REQ-TOK-02']), false);
  resetOwnAddressCount();
  resetFailureAddresses();
});

test('refusals after the first count the requests still in flight: parallel workers cannot push the own address past the block together', () => {
  resetOwnAddressCount(new SharedArrayBuffer(8));
  resetFailureAddresses();
  const t = target(Array.from({ length: 12 }, (_, i) => `127.0.0.${i + 2}`));
  const first = routeOwnAddressRequest(t);
  first.answered(answer(401));
  const pending = [routeOwnAddressRequest(t), routeOwnAddressRequest(t), routeOwnAddressRequest(t), routeOwnAddressRequest(t)];
  assert.deepEqual(pending.slice(0, 3).map((r) => r.sourceAddress), [undefined, undefined, undefined]);
  assert.match(pending[3]!.sourceAddress ?? '', /^127\.0\.0\./, 'one refusal and three in flight: a fourth could be the fifth failure, it goes elsewhere');
  pending.forEach((r) => r.answered(answer(401)));
  resetOwnAddressCount();
  resetFailureAddresses();
});

test('a rerouted request that is served gives its failure back; one refused, unanswered or perhaps blocked keeps it', () => {
  resetOwnAddressCount(new SharedArrayBuffer(8));
  resetFailureAddresses();
  // 12 addresses: four failure addresses, one kept for the judging scenarios: three a set-up may use, four failures each.
  const t = target(Array.from({ length: 12 }, (_, i) => `127.0.0.${i + 2}`));
  for (let i = 0; i < 4; i++) routeOwnAddressRequest(t).answered(answer(401));
  // Measured against fault ignore-body-credentials: the rerouted set-ups went with HTTP Basic, which that target
  // serves; each used up a failure all the same, and a whole run ran out of addresses.
  for (let i = 0; i < 50; i++) {
    const route = routeOwnAddressRequest(t);
    assert.match(route.sourceAddress ?? '', /^127\.0\.0\./, `served request ${i + 1} still has an address to go from`);
    route.answered(i % 2 === 0 ? answer(200, { access_token: 'x' }) : answer(400, { error: 'invalid_scope' }));
  }
  // Refused ones keep theirs, and so do a request that got no answer (the target may have counted it) and one
  // answered 403 or 429 (that address may be blocked: given back, it would be handed out again and again).
  const keeps = [answer(401), undefined, answer(403), answer(429), answer(400, { error: 'invalid_client' })];
  let refused = 0;
  try {
    for (;;) {
      const route = routeOwnAddressRequest(t);
      route.answered(keeps[refused % keeps.length]);
      refused++;
    }
  } catch (error) {
    assert.ok(error instanceof PrerequisiteBlocked, String(error));
  }
  assert.equal(refused, 3 * 4, 'three addresses a set-up may use, four failures each');
  resetOwnAddressCount();
  resetFailureAddresses();
});

test('a target that does not block IPs: nothing is counted or rerouted', () => {
  resetOwnAddressCount(new SharedArrayBuffer(8));
  const t = target([], false);
  for (let i = 0; i < 20; i++) {
    const route = routeOwnAddressRequest(t);
    assert.equal(route.sourceAddress, undefined);
    route.answered(answer(401));
  }
  resetOwnAddressCount();
});
