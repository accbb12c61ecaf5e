/**
 * What identifies the kit that judged a target: its version and the exact feature set it ran (a hash over
 * every .feature file and the requirement catalogue). Both go into the certificate; `auth-ctk verify` refuses
 * a certificate whose kit version differs from its own.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requirements } from '../requirements/catalogue.ts';
import { KIT_ROOT, featureFiles, scenarios } from '../traceability.ts';

// The kit's root and its feature files are the traceability module's; re-exported for the report modules.
export { KIT_ROOT, featureFiles };

let version: string | undefined;
export function kitVersion(): string {
  version ??= (JSON.parse(readFileSync(join(KIT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

/**
 * sha256 over the feature set: each feature file's relative path and bytes, then the requirement catalogue as
 * JSON (IDs, levels, clauses, profiles). A change to any scenario or any requirement's grading changes it.
 */
export function featureSetHash(files = featureFiles()): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`feature ${file}\0`);
    hash.update(readFileSync(join(KIT_ROOT, file)));
    hash.update('\0');
  }
  hash.update('catalogue\0');
  hash.update(JSON.stringify(requirements()));
  return `sha256:${hash.digest('hex')}`;
}

/** Scenario names of the suite (as written, and as compiled for outline examples) -> files, for baseline validation. */
export function scenarioNames(files = featureFiles()): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const add = (name: string, where: string) => {
    const list = names.get(name) ?? [];
    if (!list.includes(where)) list.push(where);
    names.set(name, list);
  };
  for (const scenario of scenarios(files)) {
    add(scenario.name, scenario.uri);
    add(scenario.scenarioName, scenario.uri);
  }
  return names;
}
