/**
 * A tolerant, exact parser of WWW-Authenticate field values (RFC 9110 §11.2, §11.6.1, §5.6):
 *
 *   WWW-Authenticate = #challenge
 *   challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param       = token BWS "=" BWS ( token / quoted-string )
 *   token68          = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 *
 * It never throws: it returns every challenge it could read plus the places where the value breaks the grammar,
 * so a check can both use a sloppy header (what did the gateway mean?) and judge it (is it well-formed?).
 * Scheme and parameter names are case-insensitive (RFC 9110 §11.1, §11.2); values keep their case.
 * A comma is ambiguous in this grammar (it separates parameters AND challenges): after a comma, `token BWS "="`
 * continues the current challenge, anything else starts a new one — the same rule RFC 9110 §11.6.1 describes.
 */

export interface AuthParam {
  /** As sent. */
  readonly name: string;
  /** Lower-cased, for lookups. */
  readonly key: string;
  /** The value with quoted-pairs unescaped. */
  readonly value: string;
  readonly quoted: boolean;
}

export interface Challenge {
  /** As sent ("Bearer", "bearer"). */
  readonly scheme: string;
  readonly params: readonly AuthParam[];
  readonly token68?: string;
}

export interface SyntaxProblem {
  /** Position in the field value (or line) where the problem starts. */
  readonly at: number;
  readonly message: string;
}

export interface ParsedWwwAuthenticate {
  readonly challenges: readonly Challenge[];
  readonly problems: readonly SyntaxProblem[];
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;
const isWs = (c: string | undefined) => c === ' ' || c === '\t';

class Cursor {
  readonly text: string;
  pos = 0;
  constructor(text: string) {
    this.text = text;
  }
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(offset = 0): string | undefined {
    return this.text[this.pos + offset];
  }
  skipWs(): number {
    const start = this.pos;
    while (isWs(this.peek())) this.pos++;
    return this.pos - start;
  }
  token(): string {
    const start = this.pos;
    while (!this.done && TCHAR.test(this.peek()!)) this.pos++;
    return this.text.slice(start, this.pos);
  }
}

/** Parses one field value (one WWW-Authenticate line, or several lines already joined with ", "). */
export function parseWwwAuthenticate(value: string): ParsedWwwAuthenticate {
  const c = new Cursor(value);
  const challenges: Challenge[] = [];
  const problems: SyntaxProblem[] = [];
  const problem = (message: string, at = c.pos) => problems.push({ at, message });

  /** Skips to the next comma (error recovery). */
  const recover = () => {
    while (!c.done && c.peek() !== ',') {
      if (c.peek() === '"') quotedString();
      else c.pos++;
    }
  };

  /** quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE; returns the unescaped value. */
  function quotedString(): string | undefined {
    const start = c.pos;
    c.pos++; // opening quote
    let out = '';
    while (!c.done) {
      const ch = c.peek()!;
      if (ch === '"') {
        c.pos++;
        return out;
      }
      if (ch === '\\') {
        const next = c.peek(1);
        if (next === undefined) break;
        if (!(isWs(next) || next.charCodeAt(0) >= 0x21)) problem('a quoted-pair escapes a control character', c.pos);
        out += next;
        c.pos += 2;
        continue;
      }
      const code = ch.charCodeAt(0);
      if (!(isWs(ch) || code === 0x21 || (code >= 0x23 && code <= 0x7e) || code >= 0x80)) problem(`a quoted-string holds the control character 0x${code.toString(16).padStart(2, '0')}`, c.pos);
      out += ch;
      c.pos++;
    }
    problem('a quoted-string is not terminated', start);
    return undefined;
  }

  /** Lookahead: does `token BWS "="` start here (an auth-param, not a new challenge or a token68)? */
  function paramAhead(): boolean {
    const save = c.pos;
    const name = c.token();
    c.skipWs();
    const isParam = name.length > 0 && c.peek() === '=' && !(c.peek(1) === '=' || c.peek(1) === undefined || c.peek(1) === ',' );
    c.pos = save;
    return isParam;
  }

  /** auth-param at the cursor; returns undefined (with a problem) when it is broken. */
  function authParam(): AuthParam | undefined {
    const nameAt = c.pos;
    const name = c.token();
    const bwsBefore = c.skipWs();
    c.pos++; // "="
    const bwsAfter = c.skipWs();
    if (bwsBefore + bwsAfter > 0) problem(`whitespace around "=" of ${name} (BWS: a sender MUST NOT generate it, RFC 9110 §5.6.3)`, nameAt);
    if (c.peek() === '"') {
      const v = quotedString();
      return v === undefined ? undefined : { name, key: name.toLowerCase(), value: v, quoted: true };
    }
    const v = c.token();
    if (v === '') {
      problem(`the parameter ${name} has no value (token or quoted-string)`, c.pos);
      return undefined;
    }
    return { name, key: name.toLowerCase(), value: v, quoted: false };
  }

  while (true) {
    // list elements: OWS, possibly empty elements (RFC 9110 §5.6.1.2 recipients accept them)
    while (!c.done && (isWs(c.peek()) || c.peek() === ',')) c.pos++;
    if (c.done) break;

    const schemeAt = c.pos;
    const scheme = c.token();
    if (scheme === '') {
      problem(`expected an auth-scheme, found ${JSON.stringify(c.peek())}`, schemeAt);
      c.pos++;
      recover();
      continue;
    }
    const params: AuthParam[] = [];
    let token68: string | undefined;
    const spaces = c.skipWs();

    if (!c.done && c.peek() !== ',') {
      if (spaces === 0) {
        problem(`the auth-scheme ${scheme} is not followed by a space`, c.pos);
        recover();
        challenges.push({ scheme, params });
        continue;
      }
      if (paramAhead()) {
        // #auth-param
        while (true) {
          const p = authParam();
          if (p) params.push(p);
          else recover();
          c.skipWs();
          if (c.done) break;
          if (c.peek() !== ',') {
            problem(`expected "," or the end after a parameter of ${scheme}, found ${JSON.stringify(c.peek())}`);
            recover();
          }
          // after a comma: another parameter of this challenge, or a new challenge
          const save = c.pos;
          while (!c.done && (isWs(c.peek()) || c.peek() === ',')) c.pos++;
          if (c.done) break;
          if (!paramAhead()) {
            c.pos = save;
            break;
          }
        }
      } else {
        const start = c.pos;
        while (!c.done && TOKEN68_CHAR.test(c.peek()!)) c.pos++;
        while (c.peek() === '=') c.pos++;
        const candidate = c.text.slice(start, c.pos);
        c.skipWs();
        if (candidate !== '' && (c.done || c.peek() === ',')) token68 = candidate;
        else {
          problem(`${scheme} is followed by neither a token68 nor auth-params`, start);
          recover();
        }
      }
    }
    challenges.push({ scheme, params, ...(token68 !== undefined ? { token68 } : {}) });
  }
  return { challenges, problems };
}

/** Every challenge of every WWW-Authenticate line of a response (each line parsed on its own). */
export function parseWwwAuthenticateLines(lines: readonly string[]): ParsedWwwAuthenticate & { readonly lines: number } {
  const challenges: Challenge[] = [];
  const problems: SyntaxProblem[] = [];
  for (const line of lines) {
    const parsed = parseWwwAuthenticate(line);
    challenges.push(...parsed.challenges);
    problems.push(...parsed.problems);
  }
  return { challenges, problems, lines: lines.length };
}

/** The first parameter of that name (case-insensitive), or undefined. */
export function param(challenge: Challenge, name: string): string | undefined {
  const key = name.toLowerCase();
  return challenge.params.find((p) => p.key === key)?.value;
}

/** Renders a challenge back, for messages: `Bearer realm="x", error="invalid_token"`. */
export function describeChallenge(challenge: Challenge): string {
  if (challenge.token68 !== undefined) return `${challenge.scheme} ${challenge.token68}`;
  if (challenge.params.length === 0) return challenge.scheme;
  return `${challenge.scheme} ${challenge.params.map((p) => `${p.name}=${p.quoted ? JSON.stringify(p.value) : p.value}`).join(', ')}`;
}
