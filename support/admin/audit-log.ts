/**
 * Reading an audit log the kit did not design: entries are normalised from the member names audit records
 * commonly use (clientId / client_id / client, username / user_name / details.username, subject / sub / userId,
 * outcome / result / success, time / timestamp / @timestamp, ...), and the attempt a scenario made is found by
 * client (or user), outcome and a time window around it.
 */
export type Outcome = 'success' | 'failure' | 'unknown';

export interface AuditRecord {
  readonly clientId?: string;
  readonly username?: string;
  /** The user's id as the target knows it (the customer id a human token names as sub, Keycloak's userId...). */
  readonly subject?: string;
  readonly outcome: Outcome;
  /** Epoch milliseconds, when the entry states a time the kit can read. */
  readonly time?: number;
  readonly sourceIp?: string;
  readonly raw: Readonly<Record<string, unknown>>;
}

const pick = (entry: Record<string, unknown>, names: readonly string[]): unknown => {
  for (const name of names) if (entry[name] !== undefined && entry[name] !== null) return entry[name];
  return undefined;
};

function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value; // seconds or ms
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function outcomeOf(entry: Record<string, unknown>): Outcome {
  const success = pick(entry, ['success', 'succeeded', 'ok']);
  if (typeof success === 'boolean') return success ? 'success' : 'failure';
  const status = pick(entry, ['status', 'statusCode']);
  const word = String(pick(entry, ['outcome', 'result', 'type', 'event']) ?? (typeof status === 'string' ? status : '')).toLowerCase();
  if (word === '' && typeof status === 'number') return status >= 200 && status < 400 ? 'success' : 'failure';
  // Auth0 log event types: seccft / feccft = success / failed exchange of client credentials for an access token.
  if (word === 'seccft') return 'success';
  if (word === 'feccft') return 'failure';
  // Auth0 log event types of a login: s = success; f, fp, fu = failed login, wrong password, unknown user.
  if (word === 's') return 'success';
  if (word === 'f' || word === 'fp' || word === 'fu') return 'failure';
  if (/^(success|succeeded|ok|allowed|login|code_to_token|client_login)$/.test(word)) return 'success';
  if (/(fail|error|denied|refused|rejected|invalid)/.test(word)) return 'failure';
  return 'unknown';
}

export function normaliseEntry(entry: unknown): AuditRecord | undefined {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
  const e = entry as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const clientId = str(pick(e, ['clientId', 'client_id', 'client', 'clientID']));
  // Keycloak's login events carry the typed username in details.username.
  const details = e.details && typeof e.details === 'object' ? (e.details as Record<string, unknown>) : {};
  const username = str(pick(e, ['username', 'user', 'userName', 'user_name', 'login'])) ?? str(pick(details, ['username', 'user_name']));
  const subject = str(pick(e, ['subject', 'sub', 'userId', 'user_id', 'accountId', 'customerId']));
  const time = timeOf(pick(e, ['time', 'timestamp', '@timestamp', 'date', 'at', 'createdAt']));
  const sourceIp = str(pick(e, ['sourceIp', 'ip', 'ipAddress', 'clientIp', 'remoteAddress', 'source_ip']));
  return { outcome: outcomeOf(e), raw: e, ...(clientId ? { clientId } : {}), ...(username ? { username } : {}), ...(subject ? { subject } : {}), ...(time !== undefined ? { time } : {}), ...(sourceIp ? { sourceIp } : {}) };
}

/** A human user, named in an entry by username or by the id the target knows them by (the customer id, sub). */
export interface UserRef {
  readonly username: string;
  readonly subject?: string;
}

/** Whose attempt: a client's (by client id) or a user's on the login page (by username or subject). */
export type AttemptQuery = AttemptWindow & ({ readonly clientId: string; readonly user?: undefined } | { readonly user: UserRef; readonly clientId?: undefined });

interface AttemptWindow {
  readonly outcome: Exclude<Outcome, 'unknown'>;
  /** The window the attempt was made in (epoch ms, local clock). */
  readonly from: number;
  readonly to: number;
  /** Allowed difference between the target's clock and ours, in ms. */
  readonly toleranceMs: number;
  /** The IP the attempt was sent from, when it was a distinct one: entries that name another IP do not match. */
  readonly sourceIp?: string;
}

export interface AttemptSearch {
  /** Entries of the client (user) with the outcome, in the window. */
  readonly matches: readonly AuditRecord[];
  /** Entries of the client (user) in the window, whatever their outcome (for the diagnosis). */
  readonly ofWhom: readonly AuditRecord[];
  /** Entries of the client (user) without a readable time. */
  readonly withoutTime: readonly AuditRecord[];
}

/** Does the entry name the user: their username, or their id (case-sensitive, as ids are)? */
const namesUser = (r: AuditRecord, user: UserRef): boolean =>
  r.username === user.username || (user.subject !== undefined && (r.subject === user.subject || r.username === user.subject));

export function findAttempt(entries: readonly unknown[], q: AttemptQuery): AttemptSearch {
  const records = entries.map(normaliseEntry).filter((r): r is AuditRecord => r !== undefined);
  const user = q.user;
  const ofWhomAll = records.filter((r) => (user ? namesUser(r, user) : r.clientId === q.clientId));
  const inWindow = (r: AuditRecord) => r.time !== undefined && r.time >= q.from - q.toleranceMs && r.time <= q.to + q.toleranceMs;
  const sameIp = (r: AuditRecord) => q.sourceIp === undefined || r.sourceIp === undefined || r.sourceIp === q.sourceIp;
  const ofWhom = ofWhomAll.filter((r) => inWindow(r) && sameIp(r));
  return {
    matches: ofWhom.filter((r) => r.outcome === q.outcome),
    ofWhom,
    withoutTime: ofWhomAll.filter((r) => r.time === undefined),
  };
}

/**
 * The forms a secret may take in a log: as is, form- or URL-encoded, and inside the base64 of an HTTP Basic
 * credential ("client_id:secret", RFC 6749 §2.3.1 form-encoded or not).
 */
export function secretForms(secret: string, clientId?: string): string[] {
  const form = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  const forms = new Set([secret, encodeURIComponent(secret), form(secret)]);
  if (clientId) {
    for (const pair of [`${clientId}:${secret}`, `${form(clientId)}:${form(secret)}`]) {
      const b64 = Buffer.from(pair).toString('base64');
      forms.add(b64);
      forms.add(b64.replace(/=+$/, ''));
      forms.add(Buffer.from(pair).toString('base64url'));
    }
  }
  return [...forms].filter((f) => f.length >= 6);
}

export interface Leak {
  /** What leaked, in words that never repeat the value: "the client secret of ctk-system". */
  readonly what: string;
  readonly form: 'as is' | 'encoded';
}

/** Which of the given secrets appear in the log text, in any of their forms. */
export function leaksIn(text: string, secrets: readonly { what: string; value: string; clientId?: string }[]): Leak[] {
  const leaks: Leak[] = [];
  for (const s of secrets) {
    const forms = secretForms(s.value, s.clientId);
    const found = forms.find((f) => text.includes(f));
    if (found !== undefined) leaks.push({ what: s.what, form: found === s.value ? 'as is' : 'encoded' });
  }
  return leaks;
}
