import { type Requirement, rfc } from './types.ts';

const R9449 = (s: string) => rfc(9449, s);

/**
 * Sender-constrained tokens by DPoP (issue 19, RFC 9449): at the token endpoint (a proof gets a token bound to its
 * key; an invalid proof gets none) and at the gateway (a bound token is served only with a proof of its key, made for
 * this request and this token). Every requirement binds the `dpop` capability: a target that does not offer DPoP is
 * not judged on it. Levels follow the clause's word; where the RFC states what a server does without a BCP 14
 * keyword, the requirement is a SHOULD and its note says why.
 */
export const DPOP_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-DPOP-01',
    title: 'A token request with a valid DPoP proof gets an access token with token_type "DPoP"',
    level: 'MUST',
    source: 'RFC 9449 §5 ("A token_type of DPoP MUST be included in the access token response"), §4.3',
    link: R9449('5'),
    component: 'idp',
    profile: 'sender-constrained',
    capability: 'dpop',
    note:
      'The proof is the kit\'s own: typ dpop+jwt, ES256 (or an algorithm the server lists in dpop_signing_alg_values_supported), the ' +
      'public key in jwk, htm POST, htu the token endpoint, a fresh iat and a random jti. A server that asks for a nonce (use_dpop_nonce ' +
      'with a DPoP-Nonce header, §8) gets a second proof that carries it. The token_type value is compared case-insensitively (RFC 6749 §5.1).',
  },
  {
    id: 'REQ-DPOP-02',
    title: 'A DPoP-bound JWT access token carries cnf.jkt, the RFC 7638 SHA-256 thumbprint of the proof\'s public key',
    level: 'MUST',
    source: 'RFC 9449 §6.1 (the jkt value "MUST be the base64url encoding ... of the JWK SHA-256 Thumbprint ... of the DPoP public key"), §6 (resource servers MUST be able to identify a DPoP-bound token)',
    link: R9449('6.1'),
    component: 'idp',
    profile: 'sender-constrained',
    capability: 'dpop',
    note:
      'Judged only where the access token is a JWT the kit can read (§6.1 is about JWT access tokens; §6.2 covers introspection, not ' +
      'judged here). A JWT without cnf.jkt cannot be told apart from a bearer token by a resource server that reads the JWT (§6).',
  },
  {
    id: 'REQ-DPOP-03',
    title: 'A token request whose DPoP proof is invalid (htm or htu of another request, a stale iat, alg none, a symmetric alg, a bad signature, typ not dpop+jwt, a private key in jwk) gets no access token',
    level: 'MUST',
    source: 'RFC 9449 §4.3 ("To validate a DPoP proof, the receiving server MUST ensure ..." checks 4 to 9, 11), §5, §11.1',
    link: R9449('4.3'),
    component: 'idp',
    profile: 'sender-constrained',
    capability: 'dpop',
    note:
      'The stale proof is one hour old: §11.1 wants proofs accepted "only for a limited time after their creation (preferably ... on the ' +
      'order of seconds or minutes)". A server that answers a stale proof with use_dpop_nonce (§8) refuses it rightly. Each refused request ' +
      'goes out from a client IP of its own (a server may count it as a failed attempt). The same request with a valid proof gets a token first.',
  },
  {
    id: 'REQ-DPOP-04',
    title: 'A token request refused for its DPoP proof is answered with error "invalid_dpop_proof" (or use_dpop_nonce where the server wants a nonce)',
    level: 'SHOULD',
    source: 'RFC 9449 §5 ("If the DPoP proof is invalid, the authorization server issues an error response per Section 5.2 of [RFC6749] with invalid_dpop_proof as the value of the error parameter"), §8',
    link: R9449('5'),
    component: 'idp',
    profile: 'sender-constrained',
    capability: 'dpop',
    note:
      'The sentence names the code without a BCP 14 keyword, so another error code is a warning, not a failure. use_dpop_nonce is accepted: ' +
      'a server that wants a fresh nonce in place of a stale iat says so with it (§8, §11.1).',
  },
  {
    id: 'REQ-DPOP-05',
    title: 'The gateway serves a DPoP-bound access token sent with the DPoP scheme and a valid proof (htm and htu of the request, ath of the token)',
    level: 'MUST',
    source: 'RFC 9449 §7 (requests to DPoP-protected resources "MUST include both a DPoP proof ... and the access token"), §7.1 (the DPoP authentication scheme)',
    link: R9449('7.1'),
    component: 'gateway',
    profile: 'sender-constrained',
    capability: 'dpop',
    note:
      'The positive control of every refusal check of the gateway\'s DPoP handling: a gateway that refuses every DPoP request would ' +
      'otherwise pass them all. The deployment claims DPoP (capabilities.dpop), so a bound token with a valid proof must be served.',
  },
  {
    id: 'REQ-DPOP-06',
    title: 'The gateway refuses a DPoP-bound access token sent as a plain Bearer token',
    level: 'MUST',
    source: 'RFC 9449 §7.2 (a protected resource supporting both schemes "MUST reject a DPoP-bound access token received as a bearer token")',
    link: R9449('7.2'),
    component: 'gateway',
    profile: 'sender-constrained',
    capability: 'dpop',
    note:
      'Judged with and without a proof beside the Bearer header: a stolen bound token must not be usable by whoever lacks the key. ' +
      'A plain (unbound) Bearer token of the same client must still be served (REQ-BEARER-01): the check is about the downgrade, not about Bearer.',
  },
  {
    id: 'REQ-DPOP-07',
    title: 'The gateway refuses a DPoP-bound access token whose proof is signed by another key than the one the token is bound to',
    level: 'MUST',
    source: 'RFC 9449 §4.3 check 12 ("confirm that the public key to which the access token is bound matches the public key from the DPoP proof")',
    link: R9449('4.3'),
    component: 'gateway',
    profile: 'sender-constrained',
    capability: 'dpop',
  },
  {
    id: 'REQ-DPOP-08',
    title: 'The gateway refuses a DPoP proof made for another request or token, or long ago: without ath, with the ath of another token, with another htm or htu, an hour old',
    level: 'MUST',
    source: 'RFC 9449 §7 ("The DPoP proof MUST include the ath claim with a valid hash of the associated access token"), §4.3 checks 8, 9, 11, 12; §11.1',
    link: R9449('7'),
    component: 'gateway',
    profile: 'sender-constrained',
    capability: 'dpop',
  },
  {
    id: 'REQ-DPOP-09',
    title: 'The gateway refuses a DPoP proof it has already seen (the same jti sent again)',
    level: 'SHOULD',
    source: 'RFC 9449 §11.1 (servers "can store ... the jti value of each DPoP proof ... and decline HTTP requests to the same URI for which the jti value has been seen before"), §4.2 (jti)',
    link: R9449('11.1'),
    component: 'gateway',
    profile: 'sender-constrained',
    capability: 'dpop',
    note:
      'Stricter than the clause (its word is "can"), so a replayed proof that is served is a warning, never a failure. The replay is ' +
      'sent at once, inside any acceptance window; the §11.1 MUST (accept proofs only for a limited time) is REQ-DPOP-03\'s at the token endpoint.',
  },
  {
    id: 'REQ-DPOP-10',
    title: 'A 401 refusing a DPoP request carries a WWW-Authenticate challenge with the DPoP scheme',
    level: 'SHOULD',
    source: 'RFC 9449 §7.1 (the DPoP scheme\'s challenge, with algs and error), RFC 9110 §11.6.1 (a 401 MUST carry a challenge applicable to the resource)',
    link: R9449('7.1'),
    component: 'gateway',
    profile: 'sender-constrained',
    capability: 'dpop',
    note:
      'RFC 9110 requires a challenge on every 401 (REQ-BEARER-13 judges Bearer\'s); that it names the DPoP scheme when the request used ' +
      'DPoP is §7.1\'s description, without a BCP 14 keyword: a 401 without a DPoP challenge is a warning. Judged on the refusal of a proof ' +
      'signed by another key; a refusal that is not a 401 does not apply.',
  },
];
