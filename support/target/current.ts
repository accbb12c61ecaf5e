/**
 * The started target of this run (the one thing global in a run). Either the CLI started a provider and
 * handed the description over in a file (AUTH_CTK_TARGET_FILE, mode 0600), or, when cucumber-js is run
 * directly, the hooks start the embedded reference stack themselves.
 */
import { readFileSync } from 'node:fs';
import type { TargetDescription } from './target.ts';
import { secretsOf } from './target.ts';
import { registerSecrets } from '../http/redact.ts';
import { trustTargetCa } from '../tls/trust.ts';

let current: TargetDescription | undefined;

export function setCurrentTarget(target: TargetDescription): void {
  current = target;
  registerSecrets(secretsOf(target));
  // Issue 19: a target with its own CA (profile tls.caFile, the reference's https mode) is trusted for this run.
  trustTargetCa(target.tls?.caPem);
}

export function currentTarget(): TargetDescription {
  if (!current) throw new Error('no target is started: the BeforeAll hook did not run (is support/hooks.ts loaded?)');
  return current;
}

export function targetFromFile(path: string): TargetDescription {
  return JSON.parse(readFileSync(path, 'utf8')) as TargetDescription;
}
