/**
 * Where REQ-ROT-01 also sends the new secret in the form body (support/oauth/secret-rotation.ts): only where the
 * rotation client may authenticate there. A client registered for HTTP Basic only is rightly refused in the body
 * (RFC 6749 §2.3.1 makes the body a MAY), so the kit must not send it there and call the refusal a finding.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeReferenceTarget } from '../support/target/reference-target.ts';
import type { ClientCredentials, TargetDescription } from '../support/target/target.ts';
import { mayUseFormBody } from '../support/oauth/token-client.ts';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import type { CtkWorld } from '../support/world.ts';
import { ScenarioState } from '../support/scenario-state.ts';
import { rememberEarlier } from '../support/oauth/issued.ts';
import { decodeJwt } from '../support/jwt/decode.ts';
import { judgeEarlierTokenStillPublished } from '../support/jwt/key-rotation.ts';
import { RequirementViolation } from '../support/verdict/check.ts';
import { findingSink } from './helpers/recording-world.ts';

const reference = (): TargetDescription =>
  describeReferenceTarget({ idp: 'http://127.0.0.1:1', issuer: 'http://127.0.0.1:1', gateway: 'http://127.0.0.1:2', component: '' });
const rotation = (target: TargetDescription): ClientCredentials => target.clients.rotation!;

describe('the rotation client and the form body', () => {
  test("the reference's rotation client (no tokenEndpointAuthMethod, client-secret-post claimed) may use the body", () => {
    const target = reference();
    assert.equal(mayUseFormBody(target, rotation(target)), true);
    assert.equal(mayUseFormBody(target, { ...rotation(target), tokenEndpointAuthMethod: 'client_secret_post' }), true);
  });

  test('registered for HTTP Basic only, or public: not in the body', () => {
    const target = reference();
    for (const method of ['client_secret_basic', 'none'] as const) {
      assert.equal(mayUseFormBody(target, { ...rotation(target), tokenEndpointAuthMethod: method }), false, method);
    }
  });

  test('a target that does not claim client-secret-post: not in the body, whatever the client', () => {
    const target = reference();
    const unclaimed = { ...target, capabilities: { ...target.capabilities, 'client-secret-post': false } };
    assert.equal(mayUseFormBody(unclaimed, rotation(target)), false);
  });
});

/**
 * REQ-ROT-03 also reads the issuer's JWK Set after the rotation (support/jwt/key-rotation.ts
 * judgeEarlierTokenStillPublished): a gateway holding the key set it fetched earlier serves the earlier token for a
 * while whatever the issuer did, and in a whole run that admission alone passed fault secret-rotation-revokes-tokens
 * (the signing key dropped with the secret).
 */
describe('REQ-ROT-03: the earlier token still verifies with the JWK Set', () => {
  const worldWith = async (published: 'the key' | 'another key') => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const other = (await generateKeyPair('ES256', { extractable: true })).publicKey;
    const jwk = { ...(await exportJWK(published === 'the key' ? publicKey : other)), kid: published === 'the key' ? 'k1' : 'k2', alg: 'ES256' };
    const token = await new CompactSign(new TextEncoder().encode(JSON.stringify({ sub: 'c' }))).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' }).sign(privateKey);
    const target = reference();
    const state = new ScenarioState();
    const world = Object.assign(findingSink(), {
      target: { ...target, jwksUri: 'http://127.0.0.1:1/jwks' },
      state,
      send: async () => ({ request: { method: 'GET', url: 'http://127.0.0.1:1/jwks' }, response: { status: 200, body: JSON.stringify({ keys: [jwk] }), headers: { 'content-type': 'application/json' }, rawHeaders: [] }, startedAt: 0, durationMs: 1 }),
      log: () => undefined,
    });
    rememberEarlier(world as unknown as CtkWorld, { token, decoded: decodeJwt(token)!, client: rotation(target), requestedScope: [] });
    return world;
  };

  test('the key still published: held; dropped with the secret: REQ-ROT-03 fails', async () => {
    const kept = await worldWith('the key');
    await judgeEarlierTokenStillPublished(kept as unknown as CtkWorld, 'REQ-ROT-03');
    assert.deepEqual(kept.checks.map((c) => `${c.requirementId} ${c.outcome}`), ['REQ-ROT-03 holds']);
    const dropped = await worldWith('another key');
    await assert.rejects(judgeEarlierTokenStillPublished(dropped as unknown as CtkWorld, 'REQ-ROT-03'), RequirementViolation);
    assert.deepEqual(dropped.violations.map((v) => v.requirementId), ['REQ-ROT-03']);
  });
});
