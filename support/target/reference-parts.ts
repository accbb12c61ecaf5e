/**
 * Which optional parts of the reference stack a run needs. Two parts serve a few features only: the mTLS
 * listeners with their run-time CA (features/mtls.feature, RFC 8705) and the JWKS relay with its second gateway
 * (features/jwks-robustness.feature). Making them costs ~0.5 s of a 2-core machine's time per stack start: nothing
 * to a full run, but the kit's own fault injection starts the stack ~270 times, each for a few features.
 *
 * A part left out changes no verdict: the scenarios that need it are not selected. (Were one selected anyway, its
 * capability would be unclaimed and it would be reported not applicable, never passed.)
 */
import { parse as parseTagExpression } from '@cucumber/tag-expressions';
import { tagsBindCapability } from '../requirements/catalogue.ts';
import { featureFiles, scenarios, type ScenarioRef } from '../traceability.ts';
import { MTLS_CAPABILITIES } from './target.ts';

export interface ReferenceParts {
  /** The IdP's and the gateway's mTLS listeners and the certificates of a CA made for the run. */
  readonly mtls: boolean;
  /** The kit's JWKS relay and the second gateway whose jwks_uri it is. */
  readonly jwksRelay: boolean;
}

export const ALL_REFERENCE_PARTS: ReferenceParts = { mtls: true, jwksRelay: true };

const RELAY_CAPABILITIES = ['jwks-control'];

const needs = (tags: readonly string[], capabilities: readonly string[], featureTag: string): boolean =>
  tags.includes(featureTag) || tagsBindCapability(tags, capabilities) || capabilities.some((c) => tags.includes(`@requires-${c}`));

/** The parts the given scenarios need. */
export function referencePartsFor(selected: readonly { readonly tags: readonly string[] }[]): ReferenceParts {
  return {
    mtls: selected.some((s) => needs(s.tags, MTLS_CAPABILITIES, '@mtls')),
    jwksRelay: selected.some((s) => needs(s.tags, RELAY_CAPABILITIES, '@jwks-relay')),
  };
}

/**
 * The scenarios a cucumber run selects: feature paths (files or directories under the kit, default all) and a
 * tag expression. Line suffixes (`file.feature:12`) select the whole file here: more parts than needed, never fewer.
 */
export function selectedScenarios(paths: readonly string[], tagExpression?: string): ScenarioRef[] {
  const all = featureFiles();
  const wanted = paths.length === 0 ? all : all.filter((file) => paths.some((p) => {
    const path = p.replace(/:\d+(:\d+)*$/, '').replace(/^\.\//, '').replace(/\/+$/, '');
    return file === path || file.startsWith(`${path}/`) || path === '.' || /[*?[]/.test(path);
  }));
  const matches = tagExpression ? parseTagExpression(tagExpression) : undefined;
  return scenarios(wanted).filter((s) => !matches || matches.evaluate([...s.tags]));
}

/** The parts for cucumber's own arguments (feature paths, `--tags expr`), as the kit's self-tests pass them. */
export function referencePartsForCucumberArgs(args: readonly string[]): ReferenceParts {
  const paths: string[] = [];
  const tags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--tags' || arg === '-t') tags.push(args[++i] ?? '');
    else if (arg.startsWith('--tags=')) tags.push(arg.slice('--tags='.length));
    else if (arg.startsWith('-')) return ALL_REFERENCE_PARTS; // an option this reader does not know: take no risk
    else paths.push(arg);
  }
  return referencePartsFor(selectedScenarios(paths, tags.length ? tags.map((t) => `(${t})`).join(' and ') : undefined));
}

/** AUTH_CTK_REFERENCE_PARTS: how a self-test tells the hooks' reference stack which parts to start. */
export const REFERENCE_PARTS_ENV = 'AUTH_CTK_REFERENCE_PARTS';

export const encodeReferenceParts = (parts: ReferenceParts): string =>
  [parts.mtls ? 'mtls' : '', parts.jwksRelay ? 'jwks-relay' : ''].filter(Boolean).join(',') || 'none';

/** All parts when the variable is unset (a plain `npx cucumber-js`). */
export function referencePartsFromEnv(value: string | undefined): ReferenceParts {
  if (value === undefined || value.trim() === '') return ALL_REFERENCE_PARTS;
  const names = value.split(',').map((v) => v.trim());
  return { mtls: names.includes('mtls'), jwksRelay: names.includes('jwks-relay') };
}
