/**
 * Last line of defence for "nothing secret in any report": after a run, every file under reports/ is searched
 * for the target's secrets (client secrets, passwords, admin token, in plain, URL-encoded and HTTP Basic
 * base64 form) and any occurrence is replaced. Everything the kit records is redacted at the source
 * (support/http/redact.ts); a hit here means some step or library leaked one, and the run says so.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetDescription } from '../target/target.ts';
import { clientsOf, secretsOf } from '../target/target.ts';

const MASK = Buffer.from('[REDACTED]');

/** The byte patterns of every secret of a target, in the forms they travel in. */
export function secretPatterns(target: TargetDescription): Buffer[] {
  const forms = new Set<string>();
  for (const secret of secretsOf(target)) {
    if (secret.length < 4) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(encodeURIComponent(secret).replace(/%20/g, '+'));
  }
  for (const client of clientsOf(target)) {
    if (!client.clientSecret) continue;
    const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
    forms.add(basic);
    forms.add(Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64'));
    // Without padding, as it may appear inside a longer base64 string.
    forms.add(basic.replace(/=+$/, ''));
  }
  return [...forms].filter((f) => f.length >= 4).map((f) => Buffer.from(f));
}

function replaceAll(data: Buffer, pattern: Buffer): { data: Buffer; count: number } {
  let index = data.indexOf(pattern);
  if (index < 0) return { data, count: 0 };
  const parts: Buffer[] = [];
  let from = 0;
  let count = 0;
  while (index >= 0) {
    parts.push(data.subarray(from, index), MASK);
    from = index + pattern.length;
    count++;
    index = data.indexOf(pattern, from);
  }
  parts.push(data.subarray(from));
  return { data: Buffer.concat(parts), count };
}

export function* filesUnder(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

/** Finds (and, unless `dryRun`, masks) secrets in the given files and every file under the given folders. */
export function scrubSecrets(paths: readonly string[], patterns: readonly Buffer[], options: { dryRun?: boolean } = {}): Map<string, number> {
  const hits = new Map<string, number>();
  if (patterns.length === 0) return hits;
  const files = paths.flatMap((p) => {
    try {
      return statSync(p).isDirectory() ? [...filesUnder(p)] : [p];
    } catch {
      return [];
    }
  });
  for (const file of files) {
    if (statSync(file).size > 200 * 1024 * 1024) continue;
    let data: Buffer = readFileSync(file);
    let total = 0;
    for (const pattern of patterns) {
      const r = replaceAll(data, pattern);
      data = r.data;
      total += r.count;
    }
    if (total > 0) {
      hits.set(file, total);
      if (!options.dryRun) writeFileSync(file, data);
    }
  }
  return hits;
}
