/**
 * Where the Allure formatter's files go during a run: written asynchronously, off the event loop.
 *
 * allure-js-commons' own FileSystemWriter writes every result, container and attachment synchronously through a
 * temp file with an fsync and a rename: measured here, ~2.5 s of a reference run's main thread went to
 * open/fsync alone, during the scenarios — time stolen from the steps, some of which measure time (rate
 * limits). Crash-safety per file buys nothing here: the kit reads allure-results only after the run, and a run
 * that dies leaves no certificate anyway. This writer hands each file to the thread pool and the formatter
 * waits for all of them before cucumber reports the run finished (support/report/allure-formatter.ts).
 */
import { mkdirSync } from 'node:fs';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringifyEnvInfo } from 'allure-js-commons/sdk/reporter';
import type { TestResult, TestResultContainer } from 'allure-js-commons';
import type { Category, EnvironmentInfo } from 'allure-js-commons/sdk';

export class AsyncResultsWriter {
  private readonly pending = new Set<Promise<void>>();
  private readonly failures: Error[] = [];

  private readonly resultsDir: string;

  constructor(resultsDir: string) {
    this.resultsDir = resultsDir;
    mkdirSync(resultsDir, { recursive: true });
  }

  writeResult(result: TestResult): void {
    this.json(`${result.uuid}-result.json`, result);
  }

  writeGroup(result: TestResultContainer): void {
    this.json(`${result.uuid}-container.json`, result);
  }

  writeAttachment(distFileName: string, content: Buffer): void {
    this.track(writeFile(join(this.resultsDir, distFileName), content));
  }

  writeAttachmentFromPath(distFileName: string, from: string): void {
    this.track(copyFile(from, join(this.resultsDir, distFileName)));
  }

  writeEnvironmentInfo(info: EnvironmentInfo): void {
    this.track(writeFile(join(this.resultsDir, 'environment.properties'), stringifyEnvInfo(info), 'utf8'));
  }

  writeCategoriesDefinitions(categories: Category[]): void {
    this.json('categories.json', categories);
  }

  writeGlobals(distFileName: string, info: unknown): void {
    this.json(distFileName, info);
  }

  /** Every file written; the first write error (disk full, folder removed) is thrown here, not lost. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    if (this.failures.length > 0) {
      throw new Error(`${this.failures.length} Allure result file(s) could not be written to ${this.resultsDir}: ${this.failures[0]!.message}`);
    }
  }

  private json(name: string, data: unknown): void {
    this.track(writeFile(join(this.resultsDir, name), JSON.stringify(data), 'utf8'));
  }

  private track(write: Promise<void>): void {
    const tracked = write.catch((error: unknown) => {
      this.failures.push(error as Error);
    }).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }
}
