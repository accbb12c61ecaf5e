/**
 * Runs of the client under test, shared by the scenarios of one cucumber process: the two renewal checks
 * judge the same observed renewal, the two outage checks the same outage. A run is identified by its
 * scenario (name and parameters), command and working directory; each scenario still attaches the whole
 * redacted timeline as its evidence.
 */
import { runClient, type ClientRun, type RunOptions } from './run.ts';
import type { ClientScenario } from './scenarios.ts';

const runs = new Map<string, Promise<ClientRun>>();

export function observe(scenario: ClientScenario, command: readonly string[], options: RunOptions = {}): Promise<ClientRun> {
  const key = JSON.stringify([scenario.name, scenario.params, scenario.ttlSeconds, scenario.calls, command, options.cwd ?? '', options.graceMs ?? 0]);
  let run = runs.get(key);
  if (!run) {
    run = runClient(scenario, command, options);
    runs.set(key, run);
    // A run that failed to start (harness error) is not kept: the next scenario tries again.
    run.catch(() => runs.delete(key));
  }
  return run;
}
