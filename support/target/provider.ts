/**
 * "Which system is under test" as one interface. A provider starts (or attaches to) a system and describes it;
 * scenarios only ever see the TargetDescription. Three providers exist (support/target/providers.ts):
 * reference (local processes), containers (the same stack in Docker), external (a deployment described by a
 * profile file).
 */
import type { ReferenceParts } from './reference-parts.ts';
import type { TargetDescription, TargetKind } from './target.ts';

export interface StartOptions {
  /** Named faults to inject (reference and containers only: kit self-test). */
  readonly faults?: readonly string[];
  /** The reference's optional parts the selected scenarios need (reference only; default all). */
  readonly referenceParts?: ReferenceParts;
  /** A .env file for `${VAR}` references in a profile (external only). */
  readonly envFile?: string;
  /** Progress lines for the person running the kit (stderr by default). Never given secrets. */
  readonly log?: (line: string) => void;
}

export interface StartedTarget {
  readonly description: TargetDescription;
  /** Stops what the provider started (idempotent; a no-op for an external target). */
  stop(): Promise<void>;
}

export interface TargetProvider {
  readonly kind: TargetKind;
  /** What the user asked for, for messages: "reference", "containers", "fixtures/targets/x.yaml". */
  readonly label: string;
  start(options?: StartOptions): Promise<StartedTarget>;
}

/** Makes stop() idempotent and safe to call from a signal handler and a finally block alike. */
export function once(stop: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= stop());
}
