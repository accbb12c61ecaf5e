/**
 * Bad input to the report layer: missing or cut-off results, an invalid baseline, an unusable signing key.
 * The CLI turns it into exit code 2 (usage or configuration error) and prints the message as is, so every
 * message says what is wrong and what to do.
 */
export class ReportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}
