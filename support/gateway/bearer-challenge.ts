/**
 * Reading the gateway's Bearer challenge out of a response (RFC 6750 §3) and listing where it breaks the rules
 * that make it well-formed (REQ-BEARER-15): RFC 9110 challenge grammar, RFC 9110 §11.5 quoted realm, RFC 6750 §3
 * "MUST NOT appear more than once" and its character sets.
 */
import type { Exchange } from '../http/exchange.ts';
import { redact } from '../http/redact.ts';
import { parseWwwAuthenticateLines, describeChallenge, param, type Challenge, type ParsedWwwAuthenticate } from './www-authenticate.ts';

export interface ChallengeReading {
  /** The raw WWW-Authenticate lines of the response (none: the header is absent). */
  readonly lines: readonly string[];
  readonly parsed: ParsedWwwAuthenticate;
  /** The first challenge whose scheme is Bearer (case-insensitive), if any. */
  readonly bearer?: Challenge;
}

export function readChallenge(exchange: Exchange): ChallengeReading {
  const lines = (exchange.response?.rawHeaders ?? []).filter(([name]) => name === 'www-authenticate').map(([, value]) => value);
  const parsed = parseWwwAuthenticateLines(lines);
  const bearer = parsed.challenges.find((c) => c.scheme.toLowerCase() === 'bearer');
  return { lines, parsed, ...(bearer ? { bearer } : {}) };
}

/** The error code of the Bearer challenge, if any. */
export const errorCodeOf = (reading: ChallengeReading): string | undefined => (reading.bearer ? param(reading.bearer, 'error') : undefined);

/** RFC 6750 §3: error and error_description values. */
const ERROR_CHARS = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** RFC 6750 §3: error_uri values (URI-reference, no space). */
const URI_CHARS = /^[\x21\x23-\x5b\x5d-\x7e]*$/;
/** RFC 6750 §3 / RFC 6749 §3.3: scope = scope-token *( SP scope-token ). */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;
const ONCE = ['realm', 'scope', 'error', 'error_description', 'error_uri'];

/** Every way the response's WWW-Authenticate breaks the grammar or RFC 6750 §3; empty when well-formed. */
export function challengeProblems(reading: ChallengeReading): string[] {
  const problems = reading.parsed.problems.map((p) => `syntax (RFC 9110 §11.2) at character ${p.at}: ${p.message}`);
  for (const challenge of reading.parsed.challenges.filter((c) => c.scheme.toLowerCase() === 'bearer')) {
    if (challenge.token68 !== undefined) problems.push('the Bearer challenge carries a token68 instead of auth-params (RFC 6750 §3)');
    for (const name of ONCE) {
      const count = challenge.params.filter((p) => p.key === name).length;
      if (count > 1) problems.push(`${name} appears ${count} times in the Bearer challenge (RFC 6750 §3: MUST NOT appear more than once)`);
    }
    for (const p of challenge.params) {
      if (p.key === 'realm' && !p.quoted) problems.push('realm is not a quoted-string (RFC 9110 §11.5: a sender MUST only generate the quoted-string syntax)');
      if ((p.key === 'error' || p.key === 'error_description') && !ERROR_CHARS.test(p.value)) {
        problems.push(`${p.key} holds characters outside %x20-21 / %x23-5B / %x5D-7E (RFC 6750 §3)`);
      }
      if (p.key === 'error_uri' && !URI_CHARS.test(p.value)) problems.push('error_uri holds characters outside %x21 / %x23-5B / %x5D-7E (RFC 6750 §3)');
      if (p.key === 'scope' && !SCOPE.test(p.value)) problems.push('scope is not a space-delimited list of scope-tokens (RFC 6750 §3, RFC 6749 §3.3)');
    }
  }
  return problems;
}

/** For messages: the challenge as the kit read it (or why there is none). Never contains a token. */
export function describeReading(reading: ChallengeReading): string {
  if (reading.lines.length === 0) return 'no WWW-Authenticate header';
  if (!reading.bearer) return `WWW-Authenticate without a Bearer challenge: ${redact(reading.lines.join(' | '))}`;
  return `challenge ${redact(describeChallenge(reading.bearer))}`;
}

export { param };
