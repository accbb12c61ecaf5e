import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReferenceStack } from '../reference/stack.ts';
import { describeReferenceTarget } from '../support/target/reference-target.ts';
import { UsageError } from './errors.ts';
import { FAULTS } from '../reference/faults.ts';
import { isVariation } from '../reference/variations.ts';

const HELP = `usage: auth-ctk serve [--faults a,b] [--port-base <port>]

Starts the reference stack (IdP, gateway, component) on 127.0.0.1 and prints its URLs and the test
credentials from fixtures/reference/stack.json, for manual exploration. Ctrl-C stops it.

  --port-base <port>  fixed ports instead of ephemeral ones: IdP <port>, gateway <port>+1, component <port>+2.
                      With 9400 the stack matches fixtures/targets/reference-local.yaml:
                      auth-ctk run --target fixtures/targets/reference-local.yaml`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { faults: { type: 'string', default: '' }, 'port-base': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const faults = values.faults.split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = faults.filter((name) => !FAULTS.some((f) => f.name === name) && !isVariation(name));
  if (unknown.length > 0) throw new UsageError(`unknown fault or variation: ${unknown.join(', ')} (auth-ctk faults lists them)`);
  const base = values['port-base'] === undefined ? undefined : Number(values['port-base']);
  if (base !== undefined && !(Number.isInteger(base) && base >= 1024 && base <= 65533)) {
    throw new UsageError(`--port-base takes a port number from 1024 to 65533, got "${values['port-base']}"`);
  }
  const ports = base === undefined ? undefined : { idp: base, gateway: base + 1, component: base + 2 };
  // Listening before anything starts: a signal during the start (or right after "Ctrl-C stops the stack.")
  // stops the stack once it is up instead of killing this process with the servers still starting. Kept until
  // the stack is down: Ctrl-C reaches the whole process group and bin/auth-ctk.js forwards it too, so the same
  // signal may come twice.
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await serveUntilStopped(faults, ports, stopped);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function serveUntilStopped(faults: string[], ports: { idp: number; gateway: number; component: number } | undefined, stopped: Promise<void>): Promise<number> {
  const stack = await ReferenceStack.start({ faults, ...(ports ? { ports } : {}) });
  const t = describeReferenceTarget(stack.urls, { faults });
  console.log(`IdP        ${stack.urls.idp}   (discovery: ${t.discoveryUrl})`);
  console.log(`token      ${t.tokenEndpoint}`);
  console.log(`gateway    ${stack.urls.gateway}   (protected: ${t.gateway!.routes.protected}, public: ${t.gateway!.routes.public})`);
  console.log(`component  ${stack.urls.component}`);
  const relay = stack.urls.jwksRelay;
  if (relay) console.log(`JWKS relay ${relay.url}   (a second gateway fetches its keys there: ${relay.gatewayUrl}; the kit's JWKS checks drive it)`);
  console.log(`test clients and users (published TEST FIXTURES, fixtures/reference/stack.json):`);
  for (const [role, c] of Object.entries(t.clients)) if (c) console.log(`  ${role.padEnd(20)} ${c.clientId} / ${c.clientSecret}`);
  for (const u of t.users) console.log(`  user ${u.username.padEnd(15)} ${u.password} (customer ${u.customerId})`);
  const foreign = t.foreignIssuer;
  if (foreign) console.log(`second issuer ${foreign.issuer} (token: ${foreign.tokenEndpoint}): ${foreign.client.clientId} / ${foreign.client.clientSecret}`);
  const signed = t.privateKeyJwtClient;
  // Issue 19: the key itself is not printed (it is in the fixture file), only where it is.
  if (signed) console.log(`  ${'privateKeyJwtClient'.padEnd(20)} ${signed.clientId} (private_key_jwt, ${signed.alg}, kid ${signed.kid ?? '-'}; its TEST FIXTURE key: privateKeyJwtClient.privateJwk in fixtures/reference/stack.json)`);
  // Issue 19, variation https-reference: the run's CA, for a profile's tls.caFile (removed when the stack stops).
  if (stack.urls.tls) console.log(`TLS        https with a CA made for this run: tls.caFile ${stack.urls.tls.caFile}; plain-http twin ${stack.urls.tls.plainIdp ?? '-'}`);
  // The mTLS listeners (RFC 8705) use certificates made for this run: written to a private temporary folder for
  // curl or a client under test, removed when the stack stops (nothing outlives the run's CA).
  const mtls = stack.urls.mtls;
  const mtlsDir = mtls ? writeMtlsFiles(mtls) : undefined;
  if (mtls && mtlsDir) {
    console.log(`mTLS       token ${mtls.idpUrl}/token, gateway ${mtls.gatewayUrl} (client ${mtls.clientId}, no secret; a CA made for this run)`);
    console.log(`           --cacert ${join(mtlsDir, 'ca.pem')} --cert ${join(mtlsDir, 'client.pem')} --key ${join(mtlsDir, 'client-key.pem')}`);
  }
  if (faults.length) console.log(`faults: ${faults.join(', ')}`);
  console.log('Ctrl-C stops the stack.');
  try {
    await stopped;
    await stack.stop();
  } finally {
    if (mtlsDir) rmSync(mtlsDir, { recursive: true, force: true });
  }
  return 0;
}

/** The run's mTLS CA certificate and client certificate/key as PEM files, readable by this user only. */
function writeMtlsFiles(mtls: NonNullable<ReferenceStack['urls']['mtls']>): string {
  const dir = mkdtempSync(join(tmpdir(), 'auth-ctk-mtls-'));
  writeFileSync(join(dir, 'ca.pem'), mtls.caCertificatePem, { mode: 0o600 });
  writeFileSync(join(dir, 'client.pem'), mtls.client.certificatePem, { mode: 0o600 });
  writeFileSync(join(dir, 'client-key.pem'), mtls.client.privateKeyPem, { mode: 0o600 });
  return dir;
}
