/**
 * REQ-CAUTH-07 beyond "nothing at all": what the kit sends for a confidential client's id with no or an empty secret
 * (RFC 6749 §3.2, §3.2.1), that a public client is left out, and the reference's faults that check the secret only
 * when one is sent.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { CtkWorld } from '../support/world.ts';
import type { ClientCredentials } from '../support/target/target.ts';
import { basicAuthorization, tokenRequestBody } from '../support/oauth/token-client.ts';
import { MISSING_SECRET_PHRASES, MISSING_SECRET_REQUESTS, requestWithoutSecret } from '../support/oauth/missing-secret.ts';
import { fillInMissingSecret } from '../reference/idp/missing-secret-faults.ts';
import type { IdpFaults } from '../reference/idp/faults.ts';

const client: ClientCredentials = { clientId: 'c 1', clientSecret: 's1', scopes: ['a'] };
const decodedBasic = (authorization: string | undefined) => Buffer.from((authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');

describe('what the kit sends for a client id without its secret', () => {
  test('the client id alone: client_id in the form, no client_secret parameter, no Authorization', () => {
    const { headers, body } = tokenRequestBody(client, MISSING_SECRET_REQUESTS['form-without-secret'], {});
    const params = new URLSearchParams(body);
    assert.equal(headers.authorization, undefined);
    assert.equal(params.get('client_id'), 'c 1');
    assert.equal(params.has('client_secret'), false);
    assert.equal(params.get('grant_type'), 'client_credentials');
    assert.equal(params.get('scope'), 'a', 'otherwise a correct request: the declared scopes go along');
  });

  test('an empty client_secret: the parameter is there, without a value', () => {
    const { headers, body } = tokenRequestBody(client, MISSING_SECRET_REQUESTS['form-empty-secret'], {});
    assert.equal(headers.authorization, undefined);
    assert.match(body, /(^|&)client_secret=(&|$)/);
    assert.equal(new URLSearchParams(body).get('client_id'), 'c 1');
  });

  test('HTTP Basic with an empty password: `<form-encoded id>:`, nothing in the form', () => {
    const { headers, body } = tokenRequestBody(client, MISSING_SECRET_REQUESTS['basic-empty-password'], {});
    assert.equal(decodedBasic(headers.authorization), 'c+1:');
    assert.equal(headers.authorization, basicAuthorization('c 1', ''));
    const params = new URLSearchParams(body);
    assert.equal(params.has('client_id') || params.has('client_secret'), false);
  });

  test('every phrase names a case', () => {
    assert.deepEqual(new Set(Object.values(MISSING_SECRET_PHRASES)), new Set(Object.keys(MISSING_SECRET_REQUESTS)));
  });

  test('a public system client is not applicable and nothing is sent (RFC 6749 §2.3.1: its id alone is its request)', async () => {
    const world = {
      target: { clients: { system: { clientId: 'spa', clientSecret: '', scopes: [], tokenEndpointAuthMethod: 'none' } } },
      send: () => assert.fail('nothing may be sent for a public client'),
    } as unknown as CtkWorld;
    const outcome = await requestWithoutSecret(world, 'system', 'form-without-secret');
    assert.ok('notTestable' in outcome);
    assert.equal(outcome.notApplicable, true);
    assert.match(outcome.notTestable, /public client/);
  });
});

describe('the reference faults that check the secret only when one is sent', () => {
  const faultsOf = (...names: string[]): IdpFaults => ({ has: (n: string) => names.includes(n) }) as IdpFaults;
  const secretOf = (id: string) => ({ system: 'right', spa: '' })[id];
  const request = (authorization?: string) => ({ headers: authorization ? { authorization } : {} }) as unknown as IncomingMessage;
  const form = (s: string) => new URLSearchParams(s);

  test('secret-checked-only-when-sent fills in the secret for the id alone or an empty one, and nothing else', () => {
    const faults = faultsOf('secret-checked-only-when-sent');
    for (const body of ['grant_type=client_credentials&client_id=system', 'grant_type=client_credentials&client_id=system&client_secret=']) {
      const f = form(body);
      assert.equal(fillInMissingSecret(request(), f, secretOf, faults), true, body);
      assert.equal(f.get('client_secret'), 'right');
    }
    const wrong = form('grant_type=client_credentials&client_id=system&client_secret=wrong');
    assert.equal(fillInMissingSecret(request(), wrong, secretOf, faults), false, 'a sent secret is still checked');
    assert.equal(fillInMissingSecret(request(), form('grant_type=client_credentials&client_id=spa'), secretOf, faults), false, 'a public client is left alone');
    assert.equal(fillInMissingSecret(request(), form('grant_type=authorization_code&client_id=system'), secretOf, faults), false, 'other grants are left alone');
    const basic = request(basicAuthorization('system', ''));
    assert.equal(fillInMissingSecret(basic, form('grant_type=client_credentials'), secretOf, faults), false);
    assert.equal(decodedBasic(basic.headers.authorization), 'system:', 'Basic is the other fault');
  });

  test('basic-empty-password-accepted puts the secret into `<id>:` and leaves a wrong password and the form alone', () => {
    const faults = faultsOf('basic-empty-password-accepted');
    const empty = request(basicAuthorization('system', ''));
    assert.equal(fillInMissingSecret(empty, form('grant_type=client_credentials'), secretOf, faults), false);
    assert.equal(empty.headers.authorization, basicAuthorization('system', 'right'));
    const wrong = request(basicAuthorization('system', 'wrong'));
    fillInMissingSecret(wrong, form('grant_type=client_credentials'), secretOf, faults);
    assert.equal(wrong.headers.authorization, basicAuthorization('system', 'wrong'));
    const alone = form('grant_type=client_credentials&client_id=system');
    assert.equal(fillInMissingSecret(request(), alone, secretOf, faults), false);
    assert.equal(alone.has('client_secret'), false);
  });
});
