/**
 * Genuine tokens the gateway must refuse (issue 16): a second issuer's and an other-audience client's. What the kit
 * does before it presents one: it gets the token the way the profile says (the other client's own parameters, not
 * the target's; the second issuer's endpoint, from its metadata if need be), and checks the premise on the token
 * itself. A token it cannot get, or one that is not what the profile says (the API audience after all, the target's
 * own issuer), is not testable with what it carried — never presented, so never a pass and never a gateway failure.
 * Everything against a stub token server on loopback; no reference stack.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CtkWorld } from '../support/world.ts';
import { send, closeConnections, type HttpRequest } from '../support/http/exchange.ts';
import { describeReferenceTarget } from '../support/target/reference-target.ts';
import { secretsOf, type TargetDescription } from '../support/target/target.ts';
import { foreignIssuerToken, otherAudienceToken } from '../support/jwt/genuine.ts';
import { NotTestableError } from '../support/verdict/not-testable.ts';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = (claims: Record<string, unknown>) => `${b64({ alg: 'RS256', typ: 'at+jwt' })}.${b64(claims)}.c2ln`;

/** What the stub answers next at each path, and the form bodies it received. */
const answers = new Map<string, { status: number; body: unknown }>();
const received: { path: string; body: string }[] = [];
let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body });
      const answer = answers.get(req.url ?? '') ?? { status: 404, body: { error: 'not_found' } };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await closeConnections();
  server.close();
});

function target(): TargetDescription {
  const reference = describeReferenceTarget({ idp: base, issuer: 'https://idp.example', gateway: 'http://127.0.0.1:1', component: '' });
  return {
    ...reference,
    tokenEndpoint: `${base}/token`,
    tokenRequestParameters: { audience: reference.audience! },
    limits: { ...reference.limits, tokenRequestsPerSecond: undefined },
    foreignIssuer: { discoveryUrl: `${base}/other/.well-known/openid-configuration`, client: { clientId: 'other-realm', clientSecret: 'other-realm-secret', scopes: [] } },
  };
}

const worldFor = (t: TargetDescription) => ({ target: t, send: (request: HttpRequest) => send(request), log: () => undefined }) as unknown as CtkWorld;

async function notTestable(promise: Promise<unknown>): Promise<NotTestableError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof NotTestableError, `expected NotTestableError, got ${String(error)}`);
    return error;
  }
  assert.fail('a token was presented');
}

describe('the other-audience client (clients.otherAudience)', () => {
  test("its own parameters replace the target's, and a token for another API is presented with its aud", async () => {
    const t = target();
    answers.set('/token', { status: 200, body: { access_token: jwt({ iss: t.issuer, aud: 'https://reports.reference.auth-ctk.test' }), token_type: 'Bearer', expires_in: 300 } });
    received.length = 0;
    const token = await otherAudienceToken(worldFor(t));
    const form = new URLSearchParams(received.at(-1)!.body);
    assert.equal(form.get('resource'), 'https://reports.reference.auth-ctk.test', "the client's own RFC 8707 resource");
    assert.equal(form.get('audience'), null, "the target's audience (the gateway's API) is not sent for it");
    assert.match(token.description, /meant for another audience \(aud "https:\/\/reports\.reference\.auth-ctk\.test"; the gateway's API is/);
  });

  test('a token that carries the API audience after all is not testable, with the aud it carried', async () => {
    const t = target();
    answers.set('/token', { status: 200, body: { access_token: jwt({ iss: t.issuer, aud: ['https://reports.example', t.audience] }), token_type: 'Bearer' } });
    const e = await notTestable(otherAudienceToken(worldFor(t)));
    assert.match(e.reason, /carries aud .*contains the API audience/);
    assert.match(e.remedy ?? '', /tokenRequestParameters|audience mapper/);
  });

  test('no token for it is not testable (never a finding against the gateway); nor is a gateway that checks no aud', async () => {
    answers.set('/token', { status: 401, body: { error: 'invalid_client' } });
    assert.match((await notTestable(otherAudienceToken(worldFor(target())))).reason, /got no access token: HTTP 401|got HTTP 401.*REQ-TOK-01 reports that refusal/);
    assert.match((await notTestable(otherAudienceToken(worldFor({ ...target(), audience: undefined, audienceCheck: 'none' })))).reason, /audienceCheck: none/);
    const { otherAudience: _o, ...clients } = target().clients;
    assert.match((await notTestable(otherAudienceToken(worldFor({ ...target(), clients })))).remedy ?? '', /clients\.otherAudience .*test-token signer/);
  });
});

describe('the second issuer (foreignIssuer)', () => {
  test('its token endpoint is read from its metadata; a token of another iss is presented, saying both issuers', async () => {
    answers.set('/other/.well-known/openid-configuration', { status: 200, body: { issuer: `${base}/other`, token_endpoint: `${base}/other/token` } });
    answers.set('/other/token', { status: 200, body: { access_token: jwt({ iss: `${base}/other`, aud: 'https://api.reference.auth-ctk.test' }), token_type: 'Bearer' } });
    received.length = 0;
    const token = await foreignIssuerToken(worldFor(target()));
    assert.deepEqual(received.map((r) => r.path), ['/other/.well-known/openid-configuration', '/other/token']);
    assert.equal(new URLSearchParams(received[1]!.body).get('audience'), null, "the target's parameters stay with the target");
    assert.match(token.description, new RegExp(`another issuer \\(iss "${base}/other"; the gateway trusts "https://idp.example"\\)$`));
  });

  test("a token with the target's own iss, no token, or no token endpoint: not testable, with what came back", async () => {
    answers.set('/other/token', { status: 200, body: { access_token: jwt({ iss: 'https://idp.example' }), token_type: 'Bearer' } });
    assert.match((await notTestable(foreignIssuerToken(worldFor(target())))).reason, /carries iss "https:\/\/idp\.example", the target's own issuer/);
    answers.set('/other/token', { status: 400, body: { error: 'invalid_scope' } });
    assert.match((await notTestable(foreignIssuerToken(worldFor(target())))).reason, /no access token: HTTP 400/);
    answers.set('/other/.well-known/openid-configuration', { status: 200, body: { issuer: `${base}/other` } });
    assert.match((await notTestable(foreignIssuerToken(worldFor(target())))).reason, /names no token_endpoint/);
    const { foreignIssuer: _f, ...none } = target();
    assert.match((await notTestable(foreignIssuerToken(worldFor(none)))).remedy ?? '', /foreignIssuer.*test-token signer/);
  });

  test("its client's secret is one the redactor knows", () => {
    assert.ok(secretsOf(target()).includes('other-realm-secret'));
  });
});
