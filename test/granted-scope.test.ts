/**
 * REQ-TOK-08 (RFC 6749 §5.1, §3.3) judged on its own: a stated scope must be a scope; an empty scope (Keycloak's answer, documented in seed 001) states that nothing was granted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeGrantedScopeStated } from '../support/oauth/scope.ts';
import { RequirementViolation } from '../support/verdict/check.ts';
import type { CheckRecord, Finding } from '../support/verdict/media-types.ts';
import type { IssuedToken } from '../support/oauth/issued.ts';
import type { CtkWorld } from '../support/world.ts';

const client = { clientId: 'ctk-system', clientSecret: 'fixture-secret', scopes: ['catalog:read'] } as unknown as IssuedToken['client'];
const jwt = (claims: object) => `${Buffer.from('{"alg":"RS256","typ":"at+jwt"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

function judge(scope: unknown, claims: object) {
  const checks: CheckRecord[] = [];
  const sink = { recordWarning: (_: Finding) => {}, recordViolation: (_: Finding) => {}, recordCheck: (r: CheckRecord) => void checks.push(r) };
  const issued = { token: jwt(claims), client, requestedScope: ['catalog:read'], response: { access_token: jwt(claims), token_type: 'Bearer', scope } } as unknown as IssuedToken;
  try {
    judgeGrantedScopeStated(sink as unknown as CtkWorld, issued);
  } catch (error) {
    if (!(error instanceof RequirementViolation)) throw error;
  }
  return checks.map((c) => c.outcome);
}

test('a stated scope that is the token\'s scope claim holds', () => {
  assert.deepEqual(judge('catalog:read', { scope: 'catalog:read' }), ['holds']);
});

test('an empty stated scope says nothing was granted (seed 001\'s documented Keycloak answer): holds', () => {
  assert.deepEqual(judge('', {}), ['holds']);
});

test('a stated scope that is no scope does not hold; a token claim that disagrees is REQ-TOK-16\'s finding, not this one', () => {
  assert.deepEqual(judge('catalog:read  orders:read', { scope: 'catalog:read orders:read' }), ['does-not-hold'], 'two spaces break §3.3');
  assert.deepEqual(judge('catalog:read', { scope: 'catalog:read orders:write' }), ['holds']);
});
