/**
 * REQ-DISC-11: the token_endpoint the metadata names is the authorization server's token endpoint (RFC 8414 §2).
 * A correct token request of the system client sent there gets a token endpoint's answer — a token, or an OAuth
 * error object (RFC 6749 §5.2) — never 404. Sent straight to that URL, not through requestToken: this is the one
 * check that judges the URL, so it must not be blocked by what it judges.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import { check } from '../verdict/check.ts';
import { tokenRequestBody, tokenResponseOf } from '../oauth/token-client.ts';
import type { FoundMetadata } from './metadata.ts';

export async function requestTokenAtMetadataEndpoint(world: CtkWorld, found: FoundMetadata): Promise<Exchange | { notTestable: string }> {
  const url = found.metadata?.token_endpoint;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return { notTestable: `the metadata at ${found.url} names no absolute token_endpoint (REQ-DISC-03 judges that)` };
  const { headers, body } = tokenRequestBody(world.target.clients.system, {}, world.target);
  return world.send({ method: 'POST', url, headers, body });
}

export function judgeTokenEndpointAnswers(world: CtkWorld, exchange: Exchange): void {
  const status = exchange.response?.status;
  const json = jsonOf(exchange);
  check(
    world,
    {
      requirement: 'REQ-DISC-11',
      expected: `a token endpoint's answer at ${exchange.request.url} to a token request of ${world.target.clients.system.clientId}: a token (a 2xx with an access_token; that it is a 200 is REQ-TOK-01's to judge), or a 4xx with an OAuth error object (RFC 6749 §5.2), never 404/405/410`,
      observed: describeOutcome(exchange),
    },
    () => {
      expect(status, 'an HTTP answer').to.be.a('number');
      expect([404, 405, 410], 'a "nothing here" status').to.not.include(status);
      const tokenEndpointAnswer = tokenResponseOf(exchange) !== undefined || (status! >= 400 && status! < 500 && typeof json?.error === 'string');
      expect(tokenEndpointAnswer, 'a token or an OAuth error object').to.equal(true);
    },
  );
}
