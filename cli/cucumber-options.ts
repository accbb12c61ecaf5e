/**
 * What `run` and `client` hand to Cucumber, checked BEFORE anything starts: a tag expression that does not
 * parse or a Cucumber profile that does not exist is a usage error (one line, exit 2), not a stack trace from
 * inside Cucumber after the reference stack came up.
 */
import { parse } from '@cucumber/tag-expressions';
import { loadConfiguration, type IRunConfiguration } from '@cucumber/cucumber/api';
import { UsageError } from './errors.ts';

/** Throws a UsageError naming the flag when `expression` is not a Cucumber tag expression. */
export function checkTagExpression(expression: string | undefined, flag = '--tags'): void {
  if (expression === undefined) return;
  if (expression.trim() === '') throw new UsageError(`${flag} is empty: give a tag expression, e.g. "@REQ-TOK-01 or @REQ-BEARER-02"`);
  try {
    parse(expression);
  } catch (error) {
    const why = /because of syntax error: (.*)$/.exec((error as Error).message.split('\n')[0] ?? '')?.[1] ?? (error as Error).message.split('\n')[0];
    throw new UsageError(`${flag} "${expression}" is not a tag expression: ${why} (e.g. "@REQ-TOK-01 and (@core or @gateway)")`);
  }
}

/** Cucumber's configuration for `profile` (cucumber.mjs), or a UsageError when there is no such profile. */
export async function cucumberConfiguration(profile: string, provided: Parameters<typeof loadConfiguration>[0] extends { provided?: infer P } | undefined ? P : never): Promise<IRunConfiguration> {
  try {
    return (await loadConfiguration({ profiles: [profile], provided })).runConfiguration;
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? '';
    if (/profile/i.test(message)) throw new UsageError(`--cucumber-profile "${profile}": ${message} (cucumber.mjs defines the profiles)`);
    throw error;
  }
}
