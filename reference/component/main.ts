/**
 * Entry point of the reference component. It listens on loopback by default: the kit reaches it only
 * through the gateway (the identity header is trusted because nothing else can reach the port).
 */
import { activeFaults, announceReady, listen, listenOptions } from '../server-process.ts';
import { loadReferenceFixtures } from '../fixtures.ts';
import { createComponentServer } from './server.ts';

const fixtures = loadReferenceFixtures();
const server = createComponentServer({
  routes: fixtures.routes,
  users: fixtures.users,
  faults: activeFaults(),
  log: (line) => console.log(line),
});
const url = await listen(server, listenOptions('AUTH_CTK_COMPONENT'));
announceReady('component', server, url);
