/**
 * The last run, read back for `auth-ctk report` and `auth-ctk baseline`: its message stream, and the
 * certificate of the same run when there is one (it names the target and the baseline that was in force).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateFile, CertificatePayload } from './certificate.ts';
import { readMessages, timestampMs, type RunRecord } from './messages.ts';

export const DEFAULT_MESSAGES = 'reports/cucumber-messages.ndjson';

export interface LastRun {
  readonly run: RunRecord;
  /** The certificate written by the same run, if reports/ holds one. */
  readonly certificate?: CertificatePayload;
}

export function readLastRun(messagesFile: string, reportsDir: string): LastRun {
  const run = readMessages(messagesFile);
  const certFile = join(reportsDir, 'certificate.json');
  if (!existsSync(certFile) || !run.runStarted) return { run };
  try {
    const cert = (JSON.parse(readFileSync(certFile, 'utf8')) as CertificateFile).certificate;
    const started = new Date(timestampMs(run.runStarted.timestamp)).toISOString();
    return cert?.run?.startedAt === started ? { run, certificate: cert } : { run };
  } catch {
    return { run };
  }
}
