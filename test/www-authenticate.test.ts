import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWwwAuthenticate, parseWwwAuthenticateLines, param, describeChallenge } from '../support/gateway/www-authenticate.ts';
import { challengeProblems, readChallenge } from '../support/gateway/bearer-challenge.ts';
import type { Exchange } from '../support/http/exchange.ts';

const only = (value: string) => {
  const parsed = parseWwwAuthenticate(value);
  assert.equal(parsed.challenges.length, 1, `one challenge in ${value}: ${JSON.stringify(parsed)}`);
  return { challenge: parsed.challenges[0]!, problems: parsed.problems };
};

test('a bare scheme is one challenge without parameters', () => {
  const { challenge, problems } = only('Bearer');
  assert.equal(challenge.scheme, 'Bearer');
  assert.deepEqual(challenge.params, []);
  assert.deepEqual(problems, []);
});

test('RFC 6750 §3 examples parse with their parameters, quoted values unescaped', () => {
  const { challenge, problems } = only('Bearer realm="example", error="invalid_token", error_description="The access token expired"');
  assert.deepEqual(problems, []);
  assert.equal(param(challenge, 'realm'), 'example');
  assert.equal(param(challenge, 'error'), 'invalid_token');
  assert.equal(param(challenge, 'error_description'), 'The access token expired');
});

test('scheme and parameter names are case-insensitive; values keep their case', () => {
  const { challenge } = only('bEaReR REALM="Api", Error=invalid_token');
  assert.equal(challenge.scheme.toLowerCase(), 'bearer');
  assert.equal(param(challenge, 'realm'), 'Api');
  assert.equal(param(challenge, 'ERROR'), 'invalid_token');
});

test('commas and equals signs inside a quoted string do not split parameters (RFC 6750 §3 scope example)', () => {
  const { challenge, problems } = only('Bearer scope="urn:example:channel=HBO&urn:example:rating=G,PG-13", realm="x"');
  assert.deepEqual(problems, []);
  assert.equal(param(challenge, 'scope'), 'urn:example:channel=HBO&urn:example:rating=G,PG-13');
  assert.equal(param(challenge, 'realm'), 'x');
});

test('quoted-pairs are unescaped', () => {
  const { challenge } = only('Bearer error_description="say \\"hi\\" \\\\ bye"');
  assert.equal(param(challenge, 'error_description'), 'say "hi" \\ bye');
});

test('several challenges in one value are told apart from parameters', () => {
  const parsed = parseWwwAuthenticate('Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple", Bearer');
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(parsed.challenges.map((c) => c.scheme), ['Newauth', 'Basic', 'Bearer']);
  assert.equal(param(parsed.challenges[0]!, 'title'), 'Login to "apps"');
  assert.equal(param(parsed.challenges[1]!, 'realm'), 'simple');
});

test('a token68 challenge and empty list elements', () => {
  const parsed = parseWwwAuthenticate(' , Negotiate abc123+/==, , Bearer realm="r"');
  assert.deepEqual(parsed.problems, []);
  assert.equal(parsed.challenges[0]!.token68, 'abc123+/==');
  assert.equal(param(parsed.challenges[1]!, 'realm'), 'r');
});

test('several header lines are parsed one by one', () => {
  const parsed = parseWwwAuthenticateLines(['Basic realm="a"', 'Bearer realm="b", error="invalid_token"']);
  assert.equal(parsed.challenges.length, 2);
  assert.equal(parsed.lines, 2);
});

test('broken values are reported, never thrown, and the rest is still read', () => {
  assert.ok(parseWwwAuthenticate('Bearer realm="unterminated').problems.some((p) => /not terminated/.test(p.message)));
  // `realm=` with no value is no auth-param, but it is a token68 (RFC 9110 §11.2: 1*tchar68 *"="): read as such.
  const empty = parseWwwAuthenticate('Bearer realm=');
  assert.deepEqual(empty.challenges.map((ch) => [ch.scheme, ch.token68, ch.params.length]), [['Bearer', 'realm=', 0]]);
  assert.deepEqual(empty.problems, []);
  assert.ok(parseWwwAuthenticate('Bearer realm = "x"').problems.some((p) => /BWS/.test(p.message)));
  assert.ok(parseWwwAuthenticate('Bearer="x"').problems.length > 0);
  assert.ok(parseWwwAuthenticate('"quoted" scheme').problems.length > 0);
  const messy = parseWwwAuthenticate('Bearer realm="a" error="b", Basic realm="c"');
  assert.ok(messy.problems.length > 0);
  assert.ok(messy.challenges.some((c) => c.scheme === 'Basic'));
  // Junk never throws: empty lists are empty, a value that starts with no auth-scheme is one problem and no challenge.
  for (const empties of ['', ',,,']) assert.deepEqual(parseWwwAuthenticate(empties), { challenges: [], problems: [] }, JSON.stringify(empties));
  for (const junk of ['=', '\\', '"', '\u00ff\u0001']) {
    const parsed = parseWwwAuthenticate(junk);
    assert.deepEqual([parsed.challenges.length, parsed.problems.length], [0, 1], JSON.stringify(junk));
    assert.match(parsed.problems[0]!.message, /^expected an auth-scheme/);
  }
  assert.ok(parseWwwAuthenticate('a b c d').problems.some((p) => /neither a token68 nor auth-params/.test(p.message)));
  assert.equal(parseWwwAuthenticate('Bearer ,,, error=x,,').challenges[0]?.scheme, 'Bearer');
});

test('describeChallenge renders what was read', () => {
  assert.equal(describeChallenge(only('Bearer realm="a", error=invalid_token').challenge), 'Bearer realm="a", error=invalid_token');
});

const exchangeWith = (...lines: string[]): Exchange => ({
  request: { method: 'GET', url: 'http://gateway.invalid/' },
  response: { status: 401, headers: {}, rawHeaders: lines.map((l) => ['www-authenticate', l] as const), body: '' },
  startedAt: 0,
  durationMs: 1,
});

test('a well-formed RFC 6750 challenge has no problems', () => {
  assert.deepEqual(challengeProblems(readChallenge(exchangeWith('Bearer realm="api", error="insufficient_scope", scope="catalog:write orders:read"'))), []);
  assert.deepEqual(challengeProblems(readChallenge(exchangeWith('Basic realm="x"', 'Bearer realm="api"'))), []);
});

test('RFC 6750 §3 breaks are listed: repeated attributes, unquoted realm, bad characters, token68', () => {
  const problems = (line: string) => challengeProblems(readChallenge(exchangeWith(line)));
  assert.ok(problems('Bearer error="a", error="b"').some((p) => /appears 2 times/.test(p)));
  assert.ok(problems('Bearer realm=api').some((p) => /quoted-string/.test(p)));
  assert.ok(problems('Bearer error_description="caf\u00e9"').some((p) => /error_description/.test(p)));
  assert.ok(problems('Bearer error_uri="http://x/a b"').some((p) => /error_uri/.test(p)));
  assert.ok(problems('Bearer scope="a  b"').some((p) => /scope/.test(p)));
  assert.ok(problems('Bearer abc==').some((p) => /token68/.test(p)));
});

test('the Bearer challenge is found among others, its scheme in any case', () => {
  const reading = readChallenge(exchangeWith('Basic realm="x", BEARER realm="y", error="invalid_token"'));
  assert.equal(reading.bearer?.scheme, 'BEARER');
  assert.equal(param(reading.bearer!, 'error'), 'invalid_token');
  assert.equal(readChallenge(exchangeWith()).bearer, undefined);
});
