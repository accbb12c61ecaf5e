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
