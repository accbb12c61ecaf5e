/**
 * oauth2-mock-server as its README's "Library Usage" starts it: one generated RS256 key, started on a host and
 * port (here 127.0.0.1 and an ephemeral port), no hooks. Its README ("Security") says it accepts any client id
 * and secret on purpose; the kit's findings on client authentication follow from that, and are kept.
 *
 * Only where the mock issues the tokens of a gateway under test (not as the IdP under test) a launcher may ask
 * for one short-lived client, made with the README's "Event Hooks" as it shows them: BeforeTokenSigning sets
 * the token's exp ("Modify the expiration time"), the client id read from HTTP Basic or the form ("Add the
 * client ID to a token"); BeforeResponse states the same lifetime in expires_in. So the gateway's expiry
 * checks (a token accepted until exp, refused after exp + leeway) run without waiting an hour.
 */
import { Events, OAuth2Server, type MutableResponse, type MutableToken, type TokenRequestIncomingMessage } from 'oauth2-mock-server';

export interface StartedIdp {
  readonly issuer: string;
  /**
   * The private JWK the mock signs with (generated for this run; its public half is at jwks_uri), as one JSON
   * object: a gateway launcher hands it to the kit as the profile's testTokenSigner, the key the gateway trusts.
   */
  readonly signingJwk: string;
  stop(): Promise<void>;
}

/** The short-lived client of the gateway stacks: literals of their profiles (clients.shortTtl), shared by the launchers. */
export const SHORT_TTL_CLIENT = { clientId: 'items-short', ttlSeconds: 5 } as const;

/** The client a token request authenticates as: HTTP Basic (RFC 6749 §2.3.1, form-urlencoded) or the form's client_id. */
function clientIdOf(req: TokenRequestIncomingMessage): string | undefined {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return decodeURIComponent((colon < 0 ? decoded : decoded.slice(0, colon)).replace(/\+/g, ' '));
  }
  const id = req.body?.client_id;
  return typeof id === 'string' ? id : undefined;
}

export async function startOauth2MockServer(options: { shortTtl?: { clientId: string; ttlSeconds: number } } = {}): Promise<StartedIdp> {
  const server = new OAuth2Server();
  const short = options.shortTtl;
  if (short) {
    server.service.on(Events.BeforeTokenSigning, (token: MutableToken, req: TokenRequestIncomingMessage) => {
      if (clientIdOf(req) === short.clientId) token.payload.exp = Number(token.payload.iat) + short.ttlSeconds;
    });
    server.service.on(Events.BeforeResponse, (response: MutableResponse, req: TokenRequestIncomingMessage) => {
      const body = response.body as Record<string, unknown>;
      if (clientIdOf(req) === short.clientId && typeof body.access_token === 'string') body.expires_in = short.ttlSeconds;
    });
  }
  // README "Library Usage": generate() adds the key to the keystore and returns it (private members, kid, alg).
  const key = await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  const issuer = server.issuer.url!;
  return { issuer, signingJwk: JSON.stringify(key), stop: () => server.stop() };
}
