/**
 * Entry point of the reference IdP process (started by reference/stack.ts, or as a container entrypoint).
 * Environment: AUTH_CTK_IDP_HOST / AUTH_CTK_IDP_PORT (0 = ephemeral), AUTH_CTK_ISSUER (default http://host:port),
 * AUTH_CTK_FIXTURES (fixture file), AUTH_CTK_FAULTS (comma list of reference/idp/faults.ts names).
 */
import { loadReferenceFixtures } from '../fixtures.ts';
import { activeFaults, announceReady, listenOptions } from '../server-process.ts';
import { createIdp } from './idp.ts';
import { mainListenerTlsFromEnvironment } from '../https.ts';

const { host, port } = listenOptions('AUTH_CTK_IDP');
const faults = activeFaults();
// Variation https-reference: the stack hands over a certificate of the run's CA (AUTH_CTK_TLS_*_FILE).
const tls = faults.has('https-reference') ? mainListenerTlsFromEnvironment() : undefined;
const idp = await createIdp({
  fixtures: loadReferenceFixtures(),
  faults,
  host,
  port,
  issuer: process.env.AUTH_CTK_ISSUER || undefined,
  ...(tls ? { tls } : {}),
});
announceReady('idp', idp.server, idp.url, { issuer: idp.issuer, ...(idp.plainUrl ? { plainUrl: idp.plainUrl } : {}), ...(idp.mtlsUrl ? { mtlsUrl: idp.mtlsUrl } : {}) });
