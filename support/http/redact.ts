/**
 * Secrets never reach reports, attachments or logs. Everything the kit records passes through `redact`.
 * It removes: every registered secret (and its URL/form encodings), credentials in Authorization headers,
 * and token/secret/password values in JSON and form bodies, whatever the target called them.
 */
const MASK = '[REDACTED]';
const registered = new Set<string>();

/** Registers secrets the target description holds (client secrets, passwords, admin tokens). */
export function registerSecrets(secrets: Iterable<string>): void {
  for (const secret of secrets) {
    if (secret && secret.length >= 4 && !registered.has(secret)) {
      registered.add(secret);
      everySecret = undefined;
    }
  }
}

/**
 * Every form of every registered secret as one expression, longest first (a secret that contains another is masked
 * whole, not around the shorter one), built once per registration: redact() runs on every exchange a run records.
 */
let everySecret: RegExp | null | undefined;

function secretsPattern(): RegExp | null {
  if (everySecret !== undefined) return everySecret;
  const forms = [...new Set([...registered].flatMap(variants))].sort((a, b) => b.length - a.length);
  everySecret = forms.length === 0 ? null : new RegExp(forms.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return everySecret;
}

const SENSITIVE_KEYS = /^(access_token|refresh_token|id_token|client_secret|password|code_verifier|code|token|assertion|client_assertion|secret|auth_token|subject_token|actor_token)$/i;

function variants(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, '+')]);
  return [...forms];
}

/** A short, non-reversible label for a token: enough to tell two tokens apart in evidence. */
export function tokenLabel(token: string): string {
  return `${MASK} (${token.length} chars)`;
}

export function redactHeaderValue(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    const [scheme, ...rest] = value.trim().split(/\s+/);
    return rest.length ? `${scheme} ${tokenLabel(rest.join(' '))}` : tokenLabel(value);
  }
  if (lower === 'cookie' || lower === 'set-cookie') return value.replace(/=([^;]*)/g, `=${MASK}`);
  return redact(value);
}

/** Redacts a body: JSON values and form fields with sensitive names, then any registered secret left. */
export function redactBody(body: string, contentType = ''): string {
  let text = body;
  if (/json/i.test(contentType) || /^\s*[{[]/.test(text)) {
    try {
      text = JSON.stringify(redactJson(JSON.parse(text)), null, 2);
    } catch {
      // not JSON after all: fall through to the plain-text rules
    }
  } else if (/x-www-form-urlencoded/i.test(contentType) || /^[\w.-]+=[^&]*(&[\w.-]+=[^&]*)*$/.test(text.trim())) {
    text = text.replace(/(^|&)([^=&]+)=([^&]*)/g, (all, sep: string, key: string) =>
      SENSITIVE_KEYS.test(decodeURIComponent(key)) ? `${sep}${key}=${MASK}` : all,
    );
  }
  return redact(text);
}

function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SENSITIVE_KEYS.test(k) && typeof v === 'string' ? tokenLabel(v) : redactJson(v)]),
    );
  }
  return value;
}

/** Removes registered secrets and anything shaped like a JWT from free text. */
export function redact(text: string): string {
  let out = text;
  const secrets = secretsPattern();
  if (secrets) out = out.replace(secrets, MASK);
  // Compact JWS/JWT: three base64url segments, the first starting with eyJ ("{").
  out = out.replace(/eyJ[\w-]{4,}\.[\w-]*\.[\w-]*/g, (jwt) => tokenLabel(jwt));
  return out;
}
