/** Entry point of the reference gateway (child process of the kit, or container entrypoint). */
import { announceReady, environmentFromParent, listen, listenOptions } from '../server-process.ts';
import { listenMutualTls } from '../mtls.ts';
import { gatewayConfigFromEnvironment } from './config.ts';
import { createGatewayServer } from './server.ts';
import { mainListenerTlsFromEnvironment } from '../https.ts';

// Started beside the IdP by the kit: the modules above are loaded; the IdP's URL arrives now (reference/stack.ts).
await environmentFromParent();
const config = gatewayConfigFromEnvironment();
// Variation https-reference (reference/https.ts): the main listener serves https with the run's certificate.
const tls = config.faults.has('https-reference') ? mainListenerTlsFromEnvironment() : undefined;
const server = createGatewayServer(config, { log: (line) => console.log(line), ...(tls ? { tls } : {}) });
const where = listenOptions('AUTH_CTK_GATEWAY');
const url = await listen(server, where);
// Issue 19: the mTLS listener (RFC 8705 §3), on a port of its own, with the same handler.
const mtls = await listenMutualTls(server, where.host);
announceReady('gateway', server, url, mtls ? { mtlsUrl: mtls.url } : {});
