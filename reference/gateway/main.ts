/** Entry point of the reference gateway (child process of the kit, or container entrypoint). */
import { announceReady, listen, listenOptions } from '../server-process.ts';
import { gatewayConfigFromEnvironment } from './config.ts';
import { createGatewayServer } from './server.ts';

const config = gatewayConfigFromEnvironment();
const server = createGatewayServer(config, { log: (line) => console.log(line) });
const url = await listen(server, listenOptions('AUTH_CTK_GATEWAY'));
announceReady('gateway', server, url);
