/**
 * oauth2-mock-server as its README's "Library Usage" starts it: one generated RS256 key, started on a host and
 * port (here 127.0.0.1 and an ephemeral port), no hooks. Its README ("Security") says it accepts any client id
 * and secret on purpose; the kit's findings on client authentication follow from that, and are kept.
 */
import { OAuth2Server } from 'oauth2-mock-server';

export interface StartedIdp {
  readonly issuer: string;
  stop(): Promise<void>;
}

export async function startOauth2MockServer(): Promise<StartedIdp> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  const issuer = server.issuer.url!;
  return { issuer, stop: () => server.stop() };
}
