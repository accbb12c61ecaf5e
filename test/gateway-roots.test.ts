/**
 * One cause, one finding at the gateway, in whole features with one fault.
 *
 * A 401 without WWW-Authenticate (fault no-www-authenticate) is REQ-BEARER-13's finding (RFC 9110 §15.5.2) wherever
 * it shows; before, REQ-MTLS-08 failed and REQ-DPOP-10 warned on it too. A 401 that challenges with Bearer only
 * (dpop-challenge-bearer-only) still fails REQ-DPOP-10 on its own (test/fault-injection).
 *
 * A gateway that passes every system user on as a human (forward-system-as-human) is REQ-ID-07's finding; before,
 * REQ-ID-16 (the front end's system user) failed beside it. Client-credentials tokens whose sub is not the client id
 * (sub-not-client-id) are REQ-ID-01's, the front end's too. A front end whose own token names a customer
 * (front-end-token-names-a-customer) still fails REQ-ID-16 on its own (test/fault-injection).
 *
 * A gateway that keeps "valid" per token string (gateway-caches-valid-decision) serves the token it admitted before a
 * key's removal while it refuses a fresh token of that key: RFC 6749 §7's REQ-BEARER-04 (the same cache serves an
 * expired token); before, REQ-JWKS-04 failed beside it in a whole run. A gateway that trusts the removed key on
 * (jwks-cached-for-ever) still fails REQ-JWKS-04 (test/fault-injection).
 *
 * The protected route serves no valid token at all (support/gateway/positive-control.ts
 * explainedByRouteRefusingBearer). Fault protected-route-scope-typo: the route demands a scope no client is granted,
 * so it answers 403 insufficient_scope to every token. Before, in a whole run, REQ-DPOP-05 and REQ-MTLS-06 failed on
 * that 403 beside REQ-BEARER-01; now REQ-BEARER-01 is the one finding. A gateway that refuses only the DPoP scheme
 * (dpop-scheme-unsupported) still fails REQ-DPOP-05: its route serves the plain token (test/fault-injection).
 *
 * A route that serves requests without any token (anonymous-gets-protected-data) is REQ-ANON-04's finding, the
 * misused DPoP- and certificate-bound tokens it serves too; a gateway that enforces no scope (ignore-scope) is
 * REQ-BEARER-08's, the front end's least privilege too; a customer passed on as the system (forward-human-as-system)
 * is REQ-ID-03's, the other customer's DELETE it then honours too. A §5.2 error sent with 403 (non-client-errors-403)
 * is REQ-TOK-17's warning alone.
 *
 * A gateway that verifies no signature (accept-foreign-key) is REQ-BEARER-04's finding, what it serves while the JWK
 * Set is down or slow or after a key left it (REQ-JWKS-02..04) too.
 *
 * Token endpoint errors in plain text (plain-text-errors) are REQ-TOK-09's finding, the refusals whose code cannot be
 * read then too (REQ-ROT-02, REQ-DPOP-04, the code redemptions).
 *
 * A protected route that drops every connection (silent-protected-routes) is REQ-BEARER-01's, the bound tokens'
 * admissions too; a JWK Set with no key (jwks-empty-set) is REQ-JWT-07's, the secret rotation's REQ-ROT-03 too.
 * A customer token whose sub is the client (human-sub-is-client) is REQ-ID-02's, the DELETE and the self-service
 * rotation done with it too; a wrong secret accepted (accept-wrong-secret) is REQ-CAUTH-03's, the audit of a failed
 * attempt and the failed login's token too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithFault } from './fault-injection/run-with-fault.ts';

type Run = Awaited<ReturnType<typeof runWithFault>>;
const FEATURES_OF_ID_07_AND_16 = ['features/gateway-identity.feature', 'features/front-end-system-user.feature'];
const verdictOf = (run: Run, id: string) => run.verdicts.requirements.find((r) => r.requirement.id === id)!;
const said = (run: Run, id: string) => `${id}: ${verdictOf(run, id)?.verdict} ${verdictOf(run, id)?.reason ?? ''}\n${run.stderr.slice(-800)}`;

test('a protected route that refuses every token: REQ-BEARER-01 is the one finding of the bound-token admissions', { timeout: 240_000 }, async () => {
  const args = ['features/bearer-errors.feature', 'features/dpop.feature', 'features/mtls.feature', '--tags', '@REQ-BEARER-01 or @REQ-DPOP-05 or @REQ-MTLS-06'];
  const run = await runWithFault('protected-route-scope-typo', args, 180_000);
  const failed = run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id);
  assert.deepEqual(failed, ['REQ-BEARER-01'], run.stderr.slice(-1_500));
  for (const id of ['REQ-DPOP-05', 'REQ-MTLS-06']) {
    assert.equal(verdictOf(run, id).verdict, 'not-testable', said(run, id));
    assert.match(verdictOf(run, id).reason ?? '', /REQ-BEARER-01's finding explains this answer/, said(run, id));
  }
});

test('a 401 without WWW-Authenticate: REQ-BEARER-13 is the one finding of the mTLS and DPoP refusals that read the challenge', { timeout: 240_000 }, async () => {
  const args = ['features/bearer-errors.feature', 'features/dpop.feature', 'features/mtls.feature', '--tags', '@REQ-BEARER-13 or @REQ-DPOP-10 or @REQ-MTLS-08'];
  const run = await runWithFault('no-www-authenticate', args, 180_000);
  assert.deepEqual(run.verdicts.requirements.filter((r) => r.verdict === 'failed' || r.verdict === 'warning').map((r) => r.requirement.id), ['REQ-BEARER-13'], run.stderr.slice(-1_500));
  for (const id of ['REQ-DPOP-10', 'REQ-MTLS-08']) {
    assert.equal(verdictOf(run, id).verdict, 'not-testable', said(run, id));
    assert.match(verdictOf(run, id).reason ?? '', /reported once, as REQ-BEARER-13/, said(run, id));
  }
});

test('every system user passed on as a human, by the gateway or by the issuer\'s tokens: one finding, the front end\'s (REQ-ID-16) among it', { timeout: 300_000 }, async () => {
  const args = [...FEATURES_OF_ID_07_AND_16, '--tags', '@REQ-ID-01 or @REQ-ID-07 or @REQ-ID-16'];
  for (const [fault, root] of [['forward-system-as-human', 'REQ-ID-07'], ['sub-not-client-id', 'REQ-ID-01']] as const) {
    const run = await runWithFault(fault, args, 180_000);
    assert.deepEqual(run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id), [root], `${fault}: ${run.stderr.slice(-1_500)}`);
    assert.equal(verdictOf(run, 'REQ-ID-16').verdict, 'not-testable', `${fault}: ${said(run, 'REQ-ID-16')}`);
    assert.match(verdictOf(run, 'REQ-ID-16').reason ?? '', new RegExp(`${root}'s finding explains this answer`), `${fault}: ${said(run, 'REQ-ID-16')}`);
  }
});

test('a gateway that serves a token it admitted once from a decision cache: REQ-BEARER-04 is the finding of the retired key\'s token too', { timeout: 180_000 }, async () => {
  const run = await runWithFault('gateway-caches-valid-decision', ['features/jwks-robustness.feature', '--tags', '@REQ-JWKS-04'], 120_000);
  assert.deepEqual(run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id), ['REQ-BEARER-04'], run.stderr.slice(-1_500));
  assert.equal(verdictOf(run, 'REQ-JWKS-04').verdict, 'not-testable', said(run, 'REQ-JWKS-04'));
  assert.match(verdictOf(run, 'REQ-JWKS-04').reason ?? '', /REQ-BEARER-04's finding explains this answer/, said(run, 'REQ-JWKS-04'));
});

test('a protected route that serves requests without any token: REQ-ANON-04 is the one finding of the bound-token refusals', { timeout: 240_000 }, async () => {
  // Before, in a whole run, REQ-DPOP-06/-07/-08 and REQ-MTLS-07 failed and REQ-DPOP-09 warned beside REQ-ANON-04: the
  // route served the misused bound tokens as it serves everyone (support/gateway/verdicts.ts servedWithoutAnyCredentials).
  const args = ['features/dpop.feature', 'features/mtls.feature', '--tags', '@REQ-DPOP-06 or @REQ-DPOP-07 or @REQ-DPOP-08 or @REQ-DPOP-09 or @REQ-MTLS-07'];
  const run = await runWithFault('anonymous-gets-protected-data', args, 180_000);
  assert.deepEqual(run.verdicts.requirements.filter((r) => r.verdict === 'failed' || r.verdict === 'warning').map((r) => r.requirement.id), ['REQ-ANON-04'], run.stderr.slice(-1_500));
  for (const id of ['REQ-DPOP-06', 'REQ-DPOP-07', 'REQ-DPOP-08', 'REQ-DPOP-09', 'REQ-MTLS-07']) {
    assert.equal(verdictOf(run, id).verdict, 'not-testable', said(run, id));
    assert.match(verdictOf(run, id).reason ?? '', /REQ-ANON-04's finding explains this answer/, said(run, id));
  }
});

test('a gateway that enforces no scope: REQ-BEARER-08 is the finding, not also the front end\'s least privilege (REQ-ID-17)', { timeout: 240_000 }, async () => {
  const args = ['features/bearer-errors.feature', 'features/front-end-system-user.feature', '--tags', '@REQ-BEARER-08 or @REQ-ID-17'];
  const run = await runWithFault('ignore-scope', args, 180_000);
  assert.deepEqual(run.verdicts.requirements.filter((r) => r.verdict === 'failed' || r.verdict === 'warning').map((r) => r.requirement.id), ['REQ-BEARER-08'], run.stderr.slice(-1_500));
  assert.equal(verdictOf(run, 'REQ-ID-17').verdict, 'not-testable', said(run, 'REQ-ID-17'));
  assert.match(verdictOf(run, 'REQ-ID-17').reason ?? '', /enforces no scope, REQ-BEARER-08 reports that/, said(run, 'REQ-ID-17'));
});

test('a gateway that passes customers on as the system: REQ-ID-03 is the finding, the DELETE it then honours (REQ-ID-15) follows from it', { timeout: 240_000 }, async () => {
  const args = ['features/gateway-identity.feature', 'features/customer-deletes.feature', '--tags', '@REQ-ID-03 or @REQ-ID-15'];
  const run = await runWithFault('forward-human-as-system', args, 180_000);
  assert.deepEqual(run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id), ['REQ-ID-03'], run.stderr.slice(-1_500));
  assert.equal(verdictOf(run, 'REQ-ID-15').verdict, 'not-testable', said(run, 'REQ-ID-15'));
  assert.match(verdictOf(run, 'REQ-ID-15').reason ?? '', /REQ-ID-03's finding explains this answer/, said(run, 'REQ-ID-15'));
});

test('a token endpoint that answers its §5.2 errors with 403: REQ-TOK-17 (the status, no keyword) is the one warning, the code refusals are judged on their code', { timeout: 300_000 }, async () => {
  // Before, REQ-HUM-05, -PKCE-02/-03, -AUTHZ-05/-08 failed on a correct invalid_grant sent with 403, and REQ-TOK-23
  // warned on a correct invalid_request for a repeated parameter: each demanded the 400 that is REQ-TOK-17's.
  const args = ['features/human-login.feature', 'features/authorization-endpoint.feature', 'features/token-endpoint-hygiene.feature', 'features/token-issuance.feature', '--tags', '@REQ-HUM-05 or @REQ-PKCE-02 or @REQ-PKCE-03 or @REQ-AUTHZ-05 or @REQ-TOK-23 or @REQ-TOK-17'];
  const run = await runWithFault('non-client-errors-403', args, 240_000);
  assert.deepEqual(run.verdicts.requirements.filter((r) => r.verdict === 'failed' || r.verdict === 'warning').map((r) => r.requirement.id), ['REQ-TOK-17'], run.stderr.slice(-1_500));
  for (const id of ['REQ-HUM-05', 'REQ-PKCE-02', 'REQ-PKCE-03', 'REQ-AUTHZ-05', 'REQ-TOK-23']) assert.equal(verdictOf(run, id).verdict, 'passed', said(run, id));
});

test('a gateway that verifies no signature: REQ-BEARER-04 is the finding of the JWK Set outages and the retired key too', { timeout: 240_000 }, async () => {
  // Before, in a whole run, REQ-JWKS-02, -03 and -04 failed beside REQ-BEARER-04 (support/jwks/signature-unchecked.ts).
  const run = await runWithFault('accept-foreign-key', ['features/jwks-robustness.feature', '--tags', '@REQ-JWKS-02 or @REQ-JWKS-03 or @REQ-JWKS-04'], 180_000);
  assert.deepEqual(run.verdicts.requirements.filter((r) => r.verdict === 'failed' || r.verdict === 'warning').map((r) => r.requirement.id), ['REQ-BEARER-04'], run.stderr.slice(-1_500));
  for (const id of ['REQ-JWKS-02', 'REQ-JWKS-03', 'REQ-JWKS-04']) {
    assert.equal(verdictOf(run, id).verdict, 'not-testable', said(run, id));
    assert.match(verdictOf(run, id).reason ?? '', /REQ-BEARER-04's finding explains this answer \(the gateway serves a token signed with a key the issuer never published/, said(run, id));
  }
});

test('token endpoint errors in plain text: REQ-TOK-09 is the finding, not also the refusals that read their code (REQ-ROT-02, -DPOP-04, -HUM-05, -PKCE-02)', { timeout: 300_000 }, async () => {
  // REQ-MTLS-03 keeps its warning: a TLS terminator's own error page is that requirement's, never REQ-TOK-09's MUST.
  const args = ['features/secret-rotation.feature', 'features/dpop.feature', 'features/human-login.feature', '--tags', '@REQ-ROT-02 or @REQ-DPOP-04 or @REQ-HUM-05 or @REQ-PKCE-02'];
  const run = await runWithFault('plain-text-errors', args, 240_000);
  assert.deepEqual(run.verdicts.requirements.filter((r) => r.verdict === 'failed' || r.verdict === 'warning').map((r) => r.requirement.id), ['REQ-TOK-09'], run.stderr.slice(-1_500));
  assert.match(verdictOf(run, 'REQ-DPOP-04').reason ?? '', /no JSON error object .*REQ-TOK-09 reports the format/, said(run, 'REQ-DPOP-04'));
});

test('a protected route that drops every connection: REQ-BEARER-01 is the one finding of the bound-token admissions too', { timeout: 240_000 }, async () => {
  const args = ['features/bearer-errors.feature', 'features/dpop.feature', 'features/mtls.feature', '--tags', '@REQ-BEARER-01 or @REQ-DPOP-05 or @REQ-MTLS-06'];
  const run = await runWithFault('silent-protected-routes', args, 180_000);
  assert.deepEqual(run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id), ['REQ-BEARER-01'], run.stderr.slice(-1_500));
  for (const id of ['REQ-DPOP-05', 'REQ-MTLS-06']) assert.match(verdictOf(run, id).reason ?? '', /REQ-BEARER-01's finding explains this answer \(the protected route gives no HTTP answer/, said(run, id));
});

test('a JWK Set with no key: REQ-JWT-07 is the finding, not also the secret rotation\'s "the earlier token\'s key is still published" (REQ-ROT-03)', { timeout: 240_000 }, async () => {
  const run = await runWithFault('jwks-empty-set', ['features/secret-rotation.feature', '--tags', '@REQ-ROT-03'], 180_000);
  assert.deepEqual(run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id), ['REQ-JWT-07'], run.stderr.slice(-1_500));
  assert.match(verdictOf(run, 'REQ-ROT-03').reason ?? '', /REQ-JWT-07's finding explains this answer/, said(run, 'REQ-ROT-03'));
  // A rotation that drops the earlier token's key while the current one is published stays REQ-ROT-03's own.
  const revoked = await runWithFault('secret-rotation-revokes-tokens', ['features/secret-rotation.feature', '--tags', '@REQ-ROT-03'], 180_000);
  assert.deepEqual(revoked.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id), ['REQ-ROT-03'], revoked.stderr.slice(-1_500));
});

test('a token endpoint that serves requests without client authentication still authenticates client assertions: REQ-CAUTH-07 alone', { timeout: 240_000 }, async () => {
  // The fault filled in the system client's secret beside a client assertion too, so REQ-PKJWT-01 and REQ-CSJWT-01
  // failed on a 400 (two methods at once) beside REQ-CAUTH-07 in a whole run.
  const args = ['features/client-authentication.feature', 'features/jwt-client-authentication.feature', 'features/client-secret-jwt.feature', '--tags', '@REQ-CAUTH-07 or @REQ-PKJWT-01 or @REQ-CSJWT-01'];
  const run = await runWithFault('unauthenticated-request-gets-token', args, 180_000);
  assert.deepEqual(run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id), ['REQ-CAUTH-07'], run.stderr.slice(-1_500));
  for (const id of ['REQ-PKJWT-01', 'REQ-CSJWT-01']) assert.equal(verdictOf(run, id).verdict, 'passed', said(run, id));
});

test('a customer token whose sub is the client: REQ-ID-02 is the finding, the DELETE and the self-service rotation done with it follow from it', { timeout: 300_000 }, async () => {
  // Before, in a whole run, REQ-ID-15 (the other customer's DELETE honoured) and REQ-ROT-06 (the owner refused at the
  // self-service interface, which knows the owner by sub) failed beside REQ-ID-02.
  const args = ['features/customer-deletes.feature', 'features/self-service-rotation.feature', '--tags', '@REQ-ID-15 or @REQ-ROT-06'];
  const run = await runWithFault('human-sub-is-client', args, 240_000);
  assert.deepEqual(run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id), ['REQ-ID-02'], run.stderr.slice(-1_500));
  for (const id of ['REQ-ID-15', 'REQ-ROT-06']) assert.match(verdictOf(run, id).reason ?? '', /REQ-ID-02's finding explains this answer/, said(run, id));
});

test('a token endpoint that accepts a wrong secret: REQ-CAUTH-03 is the finding, not also the audit of a failed attempt (REQ-AUD-02) or the failed login\'s token (REQ-ANON-05)', { timeout: 300_000 }, async () => {
  const args = ['features/audit.feature', 'features/anonymous-fallback.feature', '--tags', '@REQ-AUD-02 or @REQ-ANON-05'];
  const run = await runWithFault('accept-wrong-secret', args, 240_000);
  assert.deepEqual(run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id), ['REQ-CAUTH-03'], run.stderr.slice(-1_500));
  for (const id of ['REQ-AUD-02', 'REQ-ANON-05']) assert.match(verdictOf(run, id).reason ?? '', /REQ-CAUTH-03's finding explains this answer \(the wrong secret got a token/, said(run, id));
});

test('a token response labelled text/plain: REQ-TOK-02 alone, the token still introspects as active (REQ-INTRO-01 passes)', { timeout: 240_000 }, async () => {
  // The fault used to send the body as a string, which the reference's record of issued tokens did not read: every
  // fresh token introspected inactive, and REQ-INTRO-01 failed beside REQ-TOK-02 in a whole run.
  const args = ['features/token-issuance.feature', 'features/introspection.feature', '--tags', '@REQ-TOK-02 or @REQ-INTRO-01'];
  const run = await runWithFault('token-response-text-plain', args, 180_000);
  assert.deepEqual(run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id), ['REQ-TOK-02'], run.stderr.slice(-1_500));
  assert.equal(verdictOf(run, 'REQ-INTRO-01').verdict, 'passed', said(run, 'REQ-INTRO-01'));
});
