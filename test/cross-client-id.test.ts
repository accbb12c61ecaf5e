/**
 * REQ-CAUTH-12 (support/oauth/cross-client-id.ts): whose a token is, is read only from the claims in which the two
 * clients' own tokens differ, so a target whose client_id claim is wrong for every token (REQ-JWT-12's finding) is
 * not failed here as well, and a token without client claims names nobody (not testable, never passed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readIdentity } from '../support/oauth/cross-client-id.ts';

const system = { client_id: 'ctk-system', sub: 'ctk-system' };
const reader = { client_id: 'ctk-readonly', sub: 'ctk-readonly' };

test('a token whose client_id and sub are the read-only client\'s names it', () => {
  assert.deepEqual(
    readIdentity({ ...reader }, system, reader).map((r) => [r.claim, r.names]),
    [['client_id', 'named'], ['sub', 'named']],
  );
});

test("a token of the system client names the system client; azp counts where the clients' tokens differ in it", () => {
  const readings = readIdentity({ ...system, azp: 'ctk-system' }, { ...system, azp: 'ctk-system' }, { ...reader, azp: 'ctk-readonly' });
  assert.deepEqual(readings.map((r) => [r.claim, r.names]), [['client_id', 'authenticated'], ['azp', 'authenticated'], ['sub', 'authenticated']]);
});

test("every token naming another client (fault client-id-claim-other-client): the system client's own token sets the measure", () => {
  // The system client's own tokens name ctk-readonly, the read-only client's name ctk-system: a token naming
  // ctk-readonly is then the system client's.
  const ownOfSystem = { client_id: 'ctk-readonly', sub: 'ctk-readonly' };
  const ownOfReader = { client_id: 'ctk-system', sub: 'ctk-system' };
  assert.deepEqual(readIdentity({ client_id: 'ctk-readonly', sub: 'ctk-readonly' }, ownOfSystem, ownOfReader).map((r) => r.names), ['authenticated', 'authenticated']);
});

test('tokens without client claims, or alike in them, say nothing', () => {
  assert.deepEqual(readIdentity({ scope: 'items:read' }, { scope: 'items:read items:write' }, { scope: 'items:read' }), []);
  assert.deepEqual(readIdentity({ sub: 'svc' }, { sub: 'svc' }, { sub: 'svc' }), []);
});
