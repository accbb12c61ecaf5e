/**
 * The authentication audit log (seed 004: "The authentication operation is recorded in MN or CN logs"). Every
 * attempt — client credentials, password-style login, authorization-code redemption, browser login — is one
 * entry: when, who claimed to be whom, from which IP, and how it ended. Never a secret, password or token.
 * Read through GET /admin/audit (reference control plane).
 */

export type AuditOutcome = 'success' | 'failure';

export interface AuditEntry {
  readonly time: string;
  /** What was attempted: the grant type at the token endpoint, or "login" for the browser login form. */
  readonly kind: string;
  /** The client that authenticated, or claimed to (as sent; unknown clients are recorded too). */
  readonly clientId?: string;
  /** The human user, for password-style and browser logins. */
  readonly username?: string;
  /** The subject the issued token names, on success. */
  readonly subject?: string;
  readonly sourceIp: string;
  readonly outcome: AuditOutcome;
  /** The error code (RFC 6749 §5.2) or the reason the request was stopped (rate_limited, ip_blocked...). */
  readonly reason?: string;
  readonly status?: number;
  /** Only ever set by the audit-logs-secrets fault: the presented secret. */
  readonly secret?: string;
}

/** Enough for any test run; the oldest entries go first. */
const MAX_ENTRIES = 20_000;

export class AuditLog {
  private readonly entries: AuditEntry[] = [];

  /** `at`: when the attempt happened, where the entry is written later than that. */
  record(entry: Omit<AuditEntry, 'time'>, at: Date = new Date()): void {
    this.entries.push({ time: at.toISOString(), ...withoutUndefined(entry) });
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(): readonly AuditEntry[] {
    return this.entries;
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
