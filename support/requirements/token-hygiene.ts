import { type Requirement, rfc, seed, SEEDS } from './types.ts';

const R6749 = (s: string) => rfc(6749, s);

/**
 * Token endpoint hygiene (issue 20): what a token endpoint must not let slip besides its answers' shape — a repeated
 * parameter, the client's secret repeated back, an error answer a cache may keep, an error description in characters
 * §5.2 forbids, two tokens under one jti — and the one token seed 003's rule cannot place: a token without client_id.
 * Each level follows the clause's own word; where no clause binds the server, the note says what the kit's
 * expectation rests on and why it is a warning.
 */
export const TOKEN_HYGIENE_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-TOK-23',
    title: 'A token request that repeats a parameter (grant_type, scope, client_id) is refused with 400 invalid_request (or the code of that parameter\'s malformed value)',
    level: 'SHOULD',
    source: 'RFC 6749 §3.2 ("Request and response parameters MUST NOT be included more than once"), §5.2 (invalid_request: the request "repeats a parameter")',
    link: R6749('5.2'),
    component: 'idp',
    profile: 'core',
    note:
      'The MUST NOT of §3.2 binds whoever sends the parameters: for a request, the client. §5.2 names the error the server gives ' +
      '(its REQUIRED is about the error member of the answer, not about refusing). No clause makes the server refuse, so a token ' +
      'for a repeated parameter, or another error code, is a warning — the same grading as two authentication methods (REQ-CAUTH-06). ' +
      'It is worth the warning: a server that takes the first value in one place and the last in another is open to parameter pollution. ' +
      'Besides invalid_request, the §5.2 code for a malformed value of that parameter is accepted (unsupported_grant_type, invalid_scope, ' +
      'invalid_client: a server that reads the two values as one malformed value refuses rightly); the error format is REQ-TOK-09\'s.',
  },
  {
    id: 'REQ-TOK-24',
    title: 'The token endpoint never repeats the client secret a request carried in its answer (body or headers)',
    level: 'SHOULD',
    source: 'RFC 6749 §2.1 (confidential clients keep their credentials confidential), §10.1; CWE-209 (error message containing sensitive information)',
    link: R6749('10.1'),
    component: 'idp',
    profile: 'core',
    note:
      'No RFC clause forbids the server to repeat a secret back to the client that sent it: the answer goes to that client. But ' +
      'error answers are what clients, proxies and API tools log and show, and §2.1 builds on the secret staying confidential; ' +
      'a secret in an error_description ends up in those logs. Judged on the raw secret, its form-urlencoded form and the Basic ' +
      'credential (base64 of id:secret); the kit\'s own evidence never shows it (redacted). A secret shorter than 8 characters is ' +
      'looked for only inside the Basic credential: a short string can occur in any text by chance.',
  },
  {
    id: 'REQ-TOK-25',
    title: 'A token endpoint error answer carries Cache-Control: no-store',
    level: 'SHOULD',
    source: 'RFC 6749 §5.2 (its example error response carries Cache-Control: no-store and Pragma: no-cache); RFC 6749 §5.1',
    link: R6749('5.2'),
    component: 'idp',
    profile: 'core',
    note:
      'Stricter than any clause, so a warning, never a failure. §5.1\'s MUST covers "any response containing tokens, credentials, or ' +
      'other sensitive information" (REQ-TOK-05 judges it on the token response); an error answer normally holds none, and 400 and ' +
      '401 are not heuristically cacheable (RFC 9111 §4.2.2, RFC 9110 §15.1). What recommends no-store there is §5.2\'s own example ' +
      'answer, which carries it. OAuth 2.1 (a draft, not an RFC) is not cited.',
  },
  {
    id: 'REQ-TOK-26',
    title: 'Two access tokens issued to the same client one right after the other carry different jti values',
    level: 'MUST',
    source: 'RFC 9068 §2.2 (jti REQUIRED); RFC 7519 §4.1.7 (the identifier MUST be assigned so that there is a negligible probability that the same value is accidentally assigned to a different data object)',
    link: rfc(7519, '4.1.7'),
    component: 'idp',
    profile: 'core',
    capability: 'rfc9068-access-tokens',
    note:
      'The two requests ask for different scopes where the client has more than one, so the two tokens are different data objects. ' +
      'A server that answers the same token twice (a token cache) hands out one data object: its one jti is right, and the check ' +
      'records that it could not judge. A token without jti is REQ-JWT-03\'s finding.',
  },
  {
    id: 'REQ-TOK-27',
    title: 'The error_description and error_uri of a token endpoint error answer hold only the characters RFC 6749 §5.2 allows (no CR, LF or other control character, no double quote, no backslash, no non-ASCII)',
    level: 'MUST',
    source: 'RFC 6749 §5.2 (error_description, error_uri: "MUST NOT include characters outside the set" %x20-21 / %x23-5B / %x5D-7E, resp. %x21 / %x23-5B / %x5D-7E)',
    link: R6749('5.2'),
    component: 'idp',
    profile: 'core',
    note:
      'Both parameters are OPTIONAL: an answer without them passes. Judged once, on the error answers to four requests the ' +
      'endpoint refuses for different reasons (a wrong secret, no grant_type, an unknown grant_type, only an unknown scope), so an ' +
      'IdP whose every description breaks the set has one finding, not one per refusal; the finding names each offending ' +
      'character by code point and position. Microsoft Entra ID\'s multi-line descriptions ("...\\r\\nTrace ID: ...\\r\\nCorrelation ' +
      'ID: ...") break it. The error code itself is REQ-TOK-09\'s; an answer that is no JSON error object is REQ-TOK-09\'s finding and ' +
      'not judged here. error_uri is judged here too: the same paragraph of §5.2, the same answers, the same defect (a value a ' +
      'client cannot put into a header or a log line as it is). An empty error_description is not judged (no character breaks the set).',
  },
  {
    id: 'REQ-ID-13',
    title: 'A token without a client_id claim is never passed on as a system user: the gateway refuses it or passes it on as no system',
    level: 'SEED',
    source:
      'seed 003 ("Ist der client_id claim im JWT-Token mit dem sub claim identisch" — a system token; "Ansonsten" a customer\'s token ' +
      'whose sub is the customer); RFC 9068 §2.2 (client_id REQUIRED), §4',
    link: seed(SEEDS.kusyProtocol),
    component: 'gateway',
    profile: 'gateway',
    capability: 'identity-propagation',
    note:
      'An absent client_id is not identical to sub, so by the seed\'s rule the token is no system token ("darf alles" needs client_id == ' +
      'sub). A refusal conforms (RFC 9068 §2.2 makes client_id REQUIRED, §4 lets the resource server reject the token), and so does ' +
      'passing the caller on as a human or anonymous. A gateway that fills a missing client_id from sub makes any token with a client\'s ' +
      'id as subject a system user. Judged with the test signer\'s token: the claims of the system client\'s token without client_id, ' +
      'after the same token with client_id was shown to arrive as the system.',
  },
  {
    id: 'REQ-ID-14',
    title: 'A token without a client_id claim gets no customer\'s data as a system token would: the first test customer\'s records are refused to it',
    level: 'SEED',
    source:
      'seed 003 (client credentials "darf alles" only where client_id and sub are identical; "Ansonsten" the token "darf nur das, was der ' +
      'hinterlegte Kunde darf", its sub being the customer); RFC 9068 §2.2 (client_id REQUIRED)',
    link: seed(SEEDS.kusyProtocol),
    component: 'component',
    profile: 'human-identity',
    capability: 'customer-scoping',
    note:
      'What REQ-ID-13 shows at the identity echo, seen where it matters: the data. The token\'s sub is the system client\'s id, which ' +
      'names no customer, so a customer\'s records are refused (any 4xx; the gateway refusing the token is one). Judged with the test ' +
      'signer\'s tokens, after the same token with client_id was served those records (a system token "darf alles"); an answer that ' +
      'names no customer shows nothing and is not judged. Useful where the echo states neither a kind nor a client id.',
  },
];
