/**
 * Typed scenario state. Each area declares what its steps leave for later steps as typed keys, next to the code
 * that writes them (`const SERIES = stateKey<Series>('rate-limit series')`), and the World keeps the values per
 * scenario. A key is an object, not a string: two areas cannot collide on a name, a reader cannot cast a value
 * to another type, and who writes what is found by following the key's import.
 */
export class StateKey<T> {
  readonly what: string;
  /** Carries T for the type checker only. */
  declare readonly type: T;
  constructor(what: string) {
    this.what = what;
  }
}

export const stateKey = <T>(what: string): StateKey<T> => new StateKey<T>(what);

/** Misuse of the kit's own steps (a step in a scenario it cannot judge): a bug in a feature file, not a verdict. */
export class StepUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepUsageError';
  }
}

/** The values of one scenario, by key. */
export class ScenarioState {
  readonly #values = new Map<StateKey<unknown>, unknown>();

  remember<T>(key: StateKey<T>, value: T): T {
    this.#values.set(key, value);
    return value;
  }

  /** A value an earlier step must have left: its absence is a step-order mistake in the feature file. */
  recall<T>(key: StateKey<T>): T {
    if (!this.#values.has(key)) throw new StepUsageError(`no ${key.what} in this scenario yet (step order in the feature file)`);
    return this.#values.get(key) as T;
  }

  peek<T>(key: StateKey<T>): T | undefined {
    return this.#values.get(key) as T | undefined;
  }

  has(key: StateKey<unknown>): boolean {
    return this.#values.has(key);
  }

  forget(key: StateKey<unknown>): void {
    this.#values.delete(key);
  }
}
