/**
 * What each seed document says the system does, sentence by sentence, and which requirements check it.
 *
 * The seeds (`../shared/seeds/`) are where the kit's SEED requirements come from; an RFC requirement belongs here
 * too when it is what judges a seed's sentence (seed 001's "client ID and client secret" is judged by RFC 6749
 * §2.3.1's checks). README's per-seed table is rendered from this list and the catalogue (`auth-ctk requirements
 * --by-seed`), and test/seed-behaviours.test.ts holds both ways: every ID here is in the catalogue, and every
 * requirement whose clause cites a seed is listed under that seed. A sentence that documents no behaviour (a
 * question in the notes, a product UI outside authentication) says so in `noCheck`, with the reason.
 */
import { requirement, requirements } from './catalogue.ts';
import { SEEDS } from './types.ts';

export type SeedNumber = '000' | '001' | '002' | '003' | '004';

export interface SeedBehaviour {
  readonly seed: SeedNumber;
  /** The seed's own words (shortened with "..."), English translation in brackets where the seed is German. */
  readonly words: string;
  /** The requirements that judge it; empty only with `noCheck`. */
  readonly checkedBy: readonly string[];
  /** Why the sentence needs no check: it is a question or outside what a conformance kit can observe. */
  readonly noCheck?: string;
}

export const SEED_TITLES: Readonly<Record<SeedNumber, string>> = {
  '000': `seed 000, the canvas's external authentication use case (${SEEDS.canvas})`,
  '001': `seed 001, the OAuth2 integration guide (${SEEDS.integrationGuide})`,
  '002': `seed 002, the self-hosted app's authentication architecture (${SEEDS.selfHosted})`,
  '003': `seed 003, the Kusy meeting on client credentials versus customer tokens (${SEEDS.kusyProtocol})`,
  '004': `seed 004, DataONE use case 12, user authentication (${SEEDS.dataOne})`,
};

const b = (seed: SeedNumber, words: string, checkedBy: readonly string[], noCheck?: string): SeedBehaviour =>
  noCheck === undefined ? { seed, words, checkedBy } : { seed, words, checkedBy, noCheck };

export const SEED_BEHAVIOURS: readonly SeedBehaviour[] = [
  b('000', 'For system users we use the Client Credentials flow within OAuth2.', ['REQ-TOK-01', 'REQ-CAUTH-01', 'REQ-CAUTH-07']),
  b('000', 'the API Gateway will integrate with the Identity Management System', ['REQ-BEARER-01', 'REQ-BEARER-04', 'REQ-BEARER-05', 'REQ-CANVAS-01']),
  b('000', 'and add a token to the API header that includes details from the Identity Management System (user, roles)', [
    'REQ-ID-06',
    'REQ-ID-08',
    'REQ-ID-09',
    'REQ-CANVAS-02',
  ]),
  b('000', 'For system users their authorization is as the system (and not a passthrough of the actual human end-user)', [
    'REQ-ID-07',
    'REQ-ID-03',
    'REQ-ID-16',
  ]),
  b('000', 'for Human users, we assume their experience is fronted by a Web/App/Chat front-end that will handle the authentication', [
    'REQ-HUM-01',
    'REQ-HUM-02',
    'REQ-HUM-03',
    'REQ-HUM-05',
    'REQ-PKCE-01',
    'REQ-PKCE-02',
    'REQ-PKCE-03',
  ]),
  b('000', 'The Web/App/Chat frontend will have a System User to authenticate as the sequence diagram above.', ['REQ-ID-16', 'REQ-ID-17']),

  b('001', 'all you need is a client ID and client secret ... Basic Authorization header', [
    'REQ-TOK-01',
    'REQ-CAUTH-01',
    'REQ-CAUTH-03',
    'REQ-CAUTH-04',
    'REQ-CAUTH-05',
    'REQ-CAUTH-07',
    'REQ-CLI-03',
    'REQ-CLI-04',
    'REQ-CLI-05',
  ]),
  b('001', 'Post request with credentials in the body', ['REQ-CAUTH-02', 'REQ-DISC-08', 'REQ-CLI-04']),
  b('001', "the sample curl request: --form 'grant_type=\"client_credentials\"'", ['REQ-TOK-21']),
  b('001', 'An example response: access_token, expires_in, scope, token_type "Bearer"', ['REQ-TOK-02', 'REQ-TOK-03', 'REQ-TOK-04']),
  b('001', 'the Client Credentials flow does not support refresh tokens', ['REQ-TOK-07', 'REQ-TOK-22']),
  b('001', 'When a response is returned with a HTTP/401 status code, it is up to the client to acquire a new access token ... an interceptor', [
    'REQ-CLI-02',
    'REQ-CLI-09',
    'REQ-CLI-10',
    'REQ-CLI-15',
  ]),
  b('001', 'Before expiration (recommended) ... when 80-90% of the token lifetime has elapsed', ['REQ-CLI-07', 'REQ-CLI-08']),
  b('001', 'If it contains error="invalid_token": Your token has likely expired - request a new one immediately', [
    'REQ-BEARER-05',
    'REQ-CLI-09',
  ]),
  b('001', 'If it contains other errors (e.g., insufficient_scope, invalid_request): Review ... RFC 6750 §3.1', [
    'REQ-BEARER-07',
    'REQ-CLI-11',
    'REQ-CLI-12',
  ]),
  b('001', 'If no error details are provided: The issue may require further investigation', ['REQ-CLI-16']),
  b('001', 'the OAuth2.0 endpoints are protected with rate-limiting. Up to 50 requests per second from the same IP are allowed', [
    'REQ-RL-01',
    'REQ-RL-07',
    'REQ-RL-08',
    'REQ-RL-09',
    'REQ-RL-10',
    'REQ-RL-11',
    'REQ-RL-12',
    'REQ-RL-13',
  ]),
  b('001', 'further requests will be rejected with a 429 response code', ['REQ-RL-02', 'REQ-RL-03', 'REQ-RL-14', 'REQ-CLI-13']),
  b('001', 'continuous failed login attempts from the same IP, the IP will be temporarily blocked ... connection errors', [
    'REQ-RL-04',
    'REQ-RL-05',
    'REQ-RL-06',
    'REQ-CLI-17',
    'REQ-CLI-18',
    'REQ-CLI-19',
  ]),

  b('002', 'A UCP customer will register via the UCP-UI Dashboard (URL TBD)', [], 'account registration in a product UI that is not specified (URL TBD); no protocol behaviour to observe'),
  b('002', 'client_id, and client_secret ... to request an authentication token from Auth0’s service (Client Credentials Flow)', [
    'REQ-TOK-01',
    'REQ-CLI-05',
  ]),
  b('002', 'Users will also be able to rotate their secret, via the UI.', ['REQ-ROT-01', 'REQ-ROT-02', 'REQ-ROT-03', 'REQ-ROT-04', 'REQ-ROT-06', 'REQ-CLI-19']),
  b('002', 'client_id, and client_secret, which the customer will be able to get from the Auth UI Dashboard', ['REQ-ROT-05', 'REQ-ROT-06']),
  b('002', 'if for some reason any of these UCP services are down, then the ucw-app will continue to function as expected due to ... default caches', [
    'REQ-CLI-14',
    'REQ-CLI-15',
    'REQ-CLI-20',
    'REQ-CLI-21',
  ]),

  b('003', 'Ist der "client_id" claim ... mit dem "sub" claim identisch, handelt es sich um einen JWT-Token der für einen client credentials flow ausgestellt wurde [client_id equal to sub: a client-credentials token]', [
    'REQ-ID-01',
    'REQ-ID-10',
    'REQ-ID-13',
    'REQ-JWT-12',
  ]),
  b('003', 'Ansonsten ... authorization code flow ... der "sub"-claim enthält die Kundenidentifizierung [otherwise: a login, sub is the customer]', [
    'REQ-ID-02',
    'REQ-ID-03',
  ]),
  b('003', 'client credentials flow ("darf alles") [may do everything]', ['REQ-ID-05', 'REQ-ID-07', 'REQ-ID-14', 'REQ-ID-17']),
  b('003', 'authorization code flow ("darf nur das, was der hinterlegte Kunde darf") [may only do what the customer may]', [
    'REQ-ID-04',
    'REQ-ID-12',
    'REQ-ID-15',
  ]),
  b('003', '"on-behalf" auth flow ... die Identität eines Kundens anzunehmen ... Abgelehnt [taking on a customer\'s identity: rejected]', [
    'REQ-ID-11',
  ]),
  b('003', 'Kusy wird weiterhin JWT-Token ohne Kundenbezug verwenden [Kusy keeps using JWTs not bound to a customer]', [
    'REQ-JWT-01',
    'REQ-ID-05',
  ]),

  b('004', 'An auth_token is returned to the user (application) that can be used for future interactions', ['REQ-HUM-01', 'REQ-TOK-01']),
  b('004', 'A user tries to perform an operation in the DataONE system that requires authentication.', ['REQ-ANON-04', 'REQ-BEARER-02']),
  b('004', 'login(username, password) ... auth_token or FAIL', ['REQ-HUM-03', 'REQ-HUM-04']),
  b('004', 'In the event of authentication failure, the auth_token will provide identity equivalent to an anonymous user.', [
    'REQ-ANON-01',
    'REQ-ANON-02',
    'REQ-ANON-03',
    'REQ-ANON-04',
    'REQ-ANON-05',
  ]),
  b('004', 'The authentication operation is recorded in MN or CN logs', ['REQ-AUD-01', 'REQ-AUD-02', 'REQ-AUD-03', 'REQ-AUD-04']),
  b('004', 'Need to specify a time to live for auth_tokens ... can the TTL be altered by the DataONE system?', [
    'REQ-TOK-04',
    'REQ-TTL-01',
    'REQ-TTL-03',
  ]),
  b('004', 'Can logins also happening against a MN, which simply proxies the request up to the CN?', [], 'an open question in the notes, not a documented behaviour'),
];

/** The seeds a requirement's clause cites ("seed 001", "seeds 000, 003"). */
export function citedSeeds(source: string): SeedNumber[] {
  const found = new Set<SeedNumber>();
  for (const match of source.matchAll(/seeds? ((?:\d{3}(?:, | and | \+ )?)+)/g)) {
    for (const n of match[1]!.match(/\d{3}/g) ?? []) if (n in SEED_TITLES) found.add(n as SeedNumber);
  }
  return [...found];
}

/** Requirements whose clause cites a seed but that no behaviour of that seed lists: the map is behind the catalogue. */
export function unplacedRequirements(): { id: string; seed: SeedNumber }[] {
  const missing: { id: string; seed: SeedNumber }[] = [];
  for (const r of requirements()) {
    for (const s of citedSeeds(r.source)) {
      if (!SEED_BEHAVIOURS.some((x) => x.seed === s && x.checkedBy.includes(r.id))) missing.push({ id: r.id, seed: s });
    }
  }
  return missing;
}

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|');

/** README's per-seed table, as markdown, from this list and the catalogue's levels. */
export function seedCoverageMarkdown(): string {
  const out: string[] = [];
  for (const seed of Object.keys(SEED_TITLES) as SeedNumber[]) {
    const rows = SEED_BEHAVIOURS.filter((x) => x.seed === seed);
    const checked = rows.filter((x) => x.checkedBy.length > 0).length;
    const open = rows.filter((x) => x.checkedBy.length === 0 && x.noCheck === undefined).length;
    const questions = rows.length - checked - open;
    out.push(
      `**${SEED_TITLES[seed]}**: ${rows.length} documented sentences, ${checked} checked` +
        (open ? `, ${open} not checked yet` : '') +
        (questions ? `, ${questions} with nothing to check` : ''),
      '',
      '| the seed says | checked by |',
      '|---|---|',
    );
    for (const row of rows) {
      const by = row.checkedBy.length
        ? row.checkedBy.map((id) => `${id} (${requirement(id).level})`).join(', ')
        : row.noCheck
          ? `nothing to check: ${row.noCheck}`
          : '**not checked yet**';
      out.push(`| ${escapeCell(row.words)} | ${escapeCell(by)} |`);
    }
    out.push('');
  }
  return out.join('\n').trimEnd() + '\n';
}
