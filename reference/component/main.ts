/**
 * Entry point of the reference component. It listens on loopback by default, and serves only requests that carry
 * the gateway's secret (fixtures gatewaySecret): a caller who reaches the port directly is refused (REQ-CANVAS-01).
 */
import { activeFaults, announceReady, listen, listenOptions } from '../server-process.ts';
import { loadReferenceFixtures } from '../fixtures.ts';
import { createComponentServer } from './server.ts';

const fixtures = loadReferenceFixtures();
const server = createComponentServer({
  routes: fixtures.routes,
  users: fixtures.users,
  faults: activeFaults(),
  ...(fixtures.gatewaySecret ? { gatewaySecret: fixtures.gatewaySecret } : {}),
  log: (line) => console.log(line),
});
const url = await listen(server, listenOptions('AUTH_CTK_COMPONENT'));
announceReady('component', server, url);
