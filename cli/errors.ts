/** A mistake in how the kit was called or configured: exit code 2, message says what to change. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
