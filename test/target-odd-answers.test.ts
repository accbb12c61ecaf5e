/**
 * What the kit must tolerate from a real target (issue 11): empty bodies, HTML error pages, non-JSON errors,
 * 403 where 401 was due, a connection reset or closed with no HTTP answer (seed 001: a blocked IP sees
 * "connection errors"), garbage instead of HTTP, a slow answer, a target that went away, a connect that never
 * completes. A tiny misbehaving server answers each way; the kit's own code (send, requestToken,
 * accessTokenFor, check) must turn every one into a verdict with redacted evidence: a RequirementViolation
 * naming the requirement, a warning, or a "could not set up" error. Never a crash, never a hang.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import type { CtkWorld } from '../support/world.ts';
import { currentTarget, setCurrentTarget } from '../support/target/current.ts';
import { send, evidenceOf, closeConnections, type Exchange, type HttpRequest } from '../support/http/exchange.ts';
import { requestToken, tokenResponseOf, accessTokenFor, TokenUnavailableError } from '../support/oauth/token-client.ts';
import { check, RequirementViolation } from '../support/verdict/check.ts';
import { MEDIA, type CheckRecord, type Finding } from '../support/verdict/media-types.ts';
import type { TargetDescription } from '../support/target/target.ts';

const SECRET = 'odd-answers-secret-4711';
const TIMEOUT_MS = 400;

let server: Server;
let base: string;
const slowSockets = new Set<import('node:net').Socket>();

/** Each path misbehaves in one way real deployments do. */
function misbehave(path: string, req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
  switch (path) {
    case '/token/empty':
      res.writeHead(200, { 'content-type': 'application/json' }).end();
      return;
    case '/token/html':
      res.writeHead(500, { 'content-type': 'text/html' }).end('<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>');
      return;
    case '/token/rate-limited':
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":"too_many_requests"}');
      return;
    case '/token/text':
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad Request');
      return;
    case '/token/echo-secret':
      // A broken error page that echoes the request body, secret included: evidence must still not show it.
      req.setEncoding('utf8');
      req.on('data', () => undefined);
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`rejected client_secret=${SECRET}`);
      return;
    case '/token/reset':
      req.socket.resetAndDestroy();
      return;
    case '/token/close':
      req.socket.end();
      return;
    case '/token/garbage':
      req.socket.end('SSH-2.0-OpenSSH_9.2\r\n');
      return;
    case '/token/slow':
      slowSockets.add(req.socket);
      setTimeout(() => res.writeHead(200).end('{}'), 5_000).unref();
      return;
    case '/api/forbidden':
      res.writeHead(403, { 'content-type': 'text/html' }).end('<h1>Forbidden</h1>');
      return;
    default:
      res.writeHead(404).end();
  }
}

function targetAt(tokenPath: string, gatewayBase = base): TargetDescription {
  return {
    name: 'misbehaving server',
    kind: 'external',
    issuer: base,
    tokenEndpoint: `${base}${tokenPath}`,
    jwksUri: `${base}/jwks`,
    audience: 'aud',
    gateway: { baseUrl: gatewayBase, routes: { protected: '/api/forbidden', public: '/public', scoped: { method: 'POST', path: '/api/forbidden', scope: 'write' } } },
    clients: { system: { clientId: 'odd-client', clientSecret: SECRET, scopes: ['write'] } },
    users: [],
    capabilities: {},
    limits: { clockSkewSeconds: 0, requestTimeoutMs: TIMEOUT_MS, maxRequestsPerSecond: 0, maxRequestsPerRun: 0 },
    sourceAddresses: [],
  };
}

/**
 * The parts of CtkWorld the checks use, the same way (support/world.ts cannot be imported outside a cucumber
 * run: it registers the World constructor). send() applies the target's timeout and records evidence, as there.
 */
class OddWorld {
  /** The scenario these checks stand for: REQ-TOK-01's, which judges the system client's own token request itself. */
  readonly requirementIds: readonly string[] = ['REQ-TOK-01'];
  readonly exchanges: Exchange[] = [];
  readonly warnings: Finding[] = [];
  readonly attachments: { data: string; mediaType: string }[] = [];
  readonly memo = new Map<string, unknown>();
  last?: Exchange;
  get target(): TargetDescription {
    return currentTarget();
  }
  async send(request: HttpRequest, options: { keepAsLast?: boolean } = {}): Promise<Exchange> {
    const exchange = await send({ timeoutMs: this.target.limits.requestTimeoutMs, ...request });
    this.exchanges.push(exchange);
    if (options.keepAsLast ?? true) this.last = exchange;
    return exchange;
  }
  recordWarning(finding: Finding): void {
    this.warnings.push(finding);
    this.attachments.push({ data: JSON.stringify(finding), mediaType: MEDIA.warning });
  }
  recordViolation(finding: Finding): void {
    this.attachments.push({ data: JSON.stringify(finding), mediaType: MEDIA.violation });
  }
  readonly checks: CheckRecord[] = [];
  recordCheck(record: CheckRecord): void {
    this.checks.push(record);
  }
  attachEvidence(): void {
    this.attachments.push({ data: JSON.stringify(this.exchanges.map(evidenceOf), null, 2), mediaType: MEDIA.evidence });
  }
}

function world(target: TargetDescription): CtkWorld & OddWorld {
  setCurrentTarget(target);
  return new OddWorld() as unknown as CtkWorld & OddWorld;
}

/** The token-issuance check as a scenario would make it (REQ-TOK-01, MUST). */
function judgeTokenIssued(w: CtkWorld, exchange: Exchange): void {
  check(w, { requirement: 'REQ-TOK-01', expected: '200 with a JSON token response', observed: exchange }, () => {
    expect(tokenResponseOf(exchange), 'token response').to.not.equal(undefined);
  });
}

before(async () => {
  server = createServer((req, res) => misbehave(new URL(req.url ?? '/', 'http://x').pathname, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(async () => {
  for (const s of slowSockets) s.destroy();
  server.closeAllConnections();
  server.close();
  await closeConnections();
});

describe('odd answers become verdicts, with evidence', () => {
  const cases: [path: string, observed: RegExp][] = [
    ['/token/empty', /got HTTP 200$/],
    ['/token/html', /got HTTP 500, body: "<html><body><h1>502 Bad Gateway/],
    ['/token/text', /got HTTP 400, body: "Bad Request"/],
    ['/token/reset', /got no HTTP answer \((ECONNRESET|UND_ERR_SOCKET)\)/],
    ['/token/close', /got no HTTP answer \((UND_ERR_SOCKET|ECONNRESET)\)/],
    ['/token/garbage', /got no HTTP answer \((HTTPParserError|HPE_[A-Z_]+|UND_ERR_SOCKET)\)/],
    ['/token/slow', /got no HTTP answer \(TIMEOUT\)/],
  ];
  for (const [path, observed] of cases) {
    test(`${path}: a failed MUST with a one-line diagnosis, not a crash`, async () => {
      const w = world(targetAt(path));
      const exchange = await requestToken(w, w.target.clients.system);
      assert.ok(exchange.durationMs < TIMEOUT_MS + 1_500, `answered in ${exchange.durationMs} ms`);
      assert.throws(() => judgeTokenIssued(w, exchange), (error: unknown) => {
        assert.ok(error instanceof RequirementViolation, `expected a RequirementViolation, got ${String(error)}`);
        const firstLine = error.message.split('\n')[0]!;
        assert.match(firstLine, /^REQ-TOK-01 RFC 6749 §4\.4\.2, §4\.4\.3 \[MUST\] — expected 200 with a JSON token response; /);
        assert.match(firstLine, observed);
        return true;
      });
      assert.ok(w.attachments.some((a) => a.mediaType === MEDIA.violation), 'the violation is attached');
      w.attachEvidence();
      const evidence = w.attachments.find((a) => a.mediaType === MEDIA.evidence)!.data;
      assert.ok(!evidence.includes(SECRET), 'evidence never shows the client secret');
      assert.match(evidence, /"authorization": "Basic \[REDACTED\]/);
    });
  }

  test('a SHOULD check on an odd answer is a warning and the scenario goes on', async () => {
    const w = world(targetAt('/token/html'));
    const exchange = await requestToken(w, w.target.clients.system);
    const held = check(w, { requirement: 'REQ-TOK-04', expected: 'expires_in in the token response', observed: exchange }, () => {
      expect(tokenResponseOf(exchange)?.expires_in).to.be.a('number');
    });
    assert.equal(held, false);
    assert.ok(w.warnings[0]?.diagnosis.startsWith('REQ-TOK-04'));
  });

  test('403 with an HTML page where 401 + WWW-Authenticate was due', async () => {
    const w = world(targetAt('/token/empty'));
    const exchange = await w.send({ method: 'GET', url: `${base}/api/forbidden` });
    assert.throws(
      () =>
        check(w, { requirement: 'REQ-BEARER-02', expected: '401 with WWW-Authenticate: Bearer', observed: exchange }, () => {
          expect(exchange.response?.status).to.equal(401);
          expect(exchange.response?.headers['www-authenticate']).to.match(/^Bearer/i);
        }),
      /REQ-BEARER-02 .* — expected 401 with WWW-Authenticate: Bearer; got HTTP 403, body: "<h1>Forbidden<\/h1>"/,
    );
  });

  test('a secret echoed back by an error page is redacted in the diagnosis and the evidence', async () => {
    const w = world(targetAt('/token/echo-secret'));
    const exchange = await requestToken(w, w.target.clients.system, { method: 'body' });
    assert.throws(() => judgeTokenIssued(w, exchange), (error: unknown) => !(error as Error).message.includes(SECRET));
    assert.ok(!JSON.stringify(evidenceOf(exchange)).includes(SECRET));
  });

  test('setting up a check against a target that answers nonsense is a clear error, not a crash', async () => {
    const w = world(targetAt('/token/html'));
    await assert.rejects(accessTokenFor(w, w.target.clients.system), (error: unknown) => {
      assert.ok(error instanceof TokenUnavailableError);
      assert.match(error.message, /could not obtain an access token for odd-client to set up the check: HTTP 500/);
      return true;
    });
  });

  test('a 429 to a set-up token request names the rate limit the REQ-RL scenarios judge, not REQ-TOK-01', async () => {
    const w = world(targetAt('/token/rate-limited'));
    await assert.rejects(accessTokenFor(w, w.target.clients.system), (error: unknown) => {
      assert.ok(error instanceof TokenUnavailableError);
      assert.equal(error.blockedBy, 'REQ-RL-01');
      assert.match(error.reason, /answered the token request for odd-client with its rate limit, HTTP 429.*the REQ-RL scenarios judge the limit/);
      assert.doesNotMatch(error.reason, /REQ-TOK-01/);
      return true;
    });
  });
});

describe('an unreachable target fails fast, never hangs', () => {
  test('a target that went away mid-run: connection refused at once', async () => {
    const gone = createTcpServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const port = (gone.address() as { port: number }).port;
    await new Promise((resolve) => gone.close(resolve));
    const exchange = await send({ method: 'GET', url: `http://127.0.0.1:${port}/`, timeoutMs: 10_000 });
    assert.equal(exchange.transportError?.code, 'ECONNREFUSED');
    assert.ok(exchange.durationMs < 1_000, `took ${exchange.durationMs} ms`);
  });

  test('the request timeout bounds a slow answer', async () => {
    const started = Date.now();
    const exchange = await send({ method: 'GET', url: `${base}/token/slow`, timeoutMs: 300 });
    assert.equal(exchange.transportError?.code, 'TIMEOUT');
    assert.ok(Date.now() - started < 1_800, `took ${Date.now() - started} ms`);
  });

  test('a connect that never completes (SYNs dropped) is bounded by the request timeout', async (t) => {
    // A listening socket that never accepts, its backlog already full: the kernel drops further SYNs, which is
    // what a firewalled or vanished host looks like. Loopback only. Needs python3 (present on our machines).
    if (spawnSync('python3', ['--version']).status !== 0) return t.skip('python3 is not installed: cannot build a black hole');
    const hole: ChildProcess = spawn('python3', ['-c', [
      'import socket, time',
      's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)',
      'fill = []',
      'for _ in range(8):',
      '    c = socket.socket(); c.setblocking(False)',
      '    try: c.connect(s.getsockname())',
      '    except BlockingIOError: pass',
      '    fill.append(c)',
      'print(s.getsockname()[1], flush=True)',
      'time.sleep(60)',
    ].join('\n')], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<number>((resolve) => hole.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
      const started = Date.now();
      const exchange = await send({ method: 'GET', url: `http://127.0.0.1:${port}/`, timeoutMs: 500 });
      const took = Date.now() - started;
      assert.ok(exchange.transportError, 'no HTTP answer');
      assert.match(exchange.transportError.code, /CONNECT_TIMEOUT|TIMEOUT/);
      assert.ok(took < 2_000, `took ${took} ms`);
    } finally {
      hole.kill('SIGKILL');
    }
  });
});
