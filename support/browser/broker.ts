/**
 * One Chromium for all the cucumber workers of a run. The workers are threads of the CLI's process; each used to
 * launch a Chromium of its own on its first browser scenario, and a launch costs ~2 s of CPU (measured on 2 cores:
 * 3 launches took 6 s of the run's ~36 s of CPU). Now the CLI's main thread keeps a BROKER: the first worker that
 * needs a browser asks it over a BroadcastChannel, the broker starts one browser server (playwright's
 * launchServer, found exactly as support/browser/chromium.ts finds a browser: $AUTH_CTK_CHROMIUM, the system one,
 * the npm-shipped one) and every worker connects to it. Each scenario still gets its own fresh context.
 *
 * Only where a broker was opened (the CLI sets BROWSER_BROKER_ENV before the workers start, and only for a
 * parallel run); a single-threaded run, a unit test or a worker that cannot connect launches its own browser.
 * A browser that cannot start is answered as such: every browser scenario is then not testable with the reasons.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserServer } from 'playwright-core';
import { BROWSER_BROKER_ENV, ChromiumUnavailableError, launchOptions, resolveWith, type BrowserIdentity, type LaunchedChromium, type LaunchSpec, type StartedChromium } from './chromium.ts';


type BrokerRequest = { readonly kind: 'browser-request'; readonly id: string };
type BrokerAnswer =
  | { readonly kind: 'browser-ready'; readonly id: string; readonly wsEndpoint: string; readonly identity: BrowserIdentity }
  | { readonly kind: 'browser-unavailable'; readonly id: string; readonly reason: string }
  | { readonly kind: 'browser-failed'; readonly id: string; readonly message: string };

/** A browser server, with the version a connection to it reports (the identity the scenarios record). */
export interface ServedChromium extends StartedChromium {
  readonly server: BrowserServer;
}

export const launchServer = async (candidate: LaunchSpec): Promise<ServedChromium> => {
  const { chromium } = await import('playwright-core');
  // Signals are the CLI's to handle (it stops the stack, then this server): playwright's own SIGINT handler
  // would exit the process before the stack stopped.
  const server = await chromium.launchServer({ ...launchOptions(candidate), handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  try {
    // A server that starts but cannot be driven is no browser: connect once, which also tells its version.
    const probe = await chromium.connect(server.wsEndpoint(), { timeout: 30_000 });
    const version = probe.version();
    await probe.close();
    return { server, version: () => version };
  } catch (error) {
    await server.close().catch(() => undefined);
    throw error;
  }
};

export interface BrowserBroker {
  /** How many browsers it started: one at most. */
  readonly launches: number;
  /**
   * Starts the browser now, before any worker asks (a run that will need one: its ~1.5 s launch then overlaps the
   * workers' start instead of holding the first browser scenarios). A browser that cannot start is answered as such
   * to the workers that ask later, as without warming.
   */
  warm(): void;
  /** Closes the browser server if one was started, and the channel. */
  close(): Promise<void>;
}

type Served = { readonly browser: ServedChromium; readonly identity: BrowserIdentity };

export interface BrokerOptions {
  /** Where the channel's name is published for the workers (process.env: workers copy it when they start). */
  readonly env?: NodeJS.ProcessEnv;
  /** How the browser server is found and started (tests replace it). */
  readonly start?: () => Promise<Served>;
}

/** Main thread: answers the workers' requests for the run's browser, starting it on the first one. */
export function openBrowserBroker(options: BrokerOptions = {}): BrowserBroker {
  const env = options.env ?? process.env;
  const start = options.start ?? (() => resolveWith(launchServer));
  const name = `auth-ctk-browser-${randomUUID()}`;
  const channel = new BroadcastChannel(name);
  channel.unref();
  let serving: Promise<Served> | undefined;
  let launches = 0;
  let closed = false;
  // A browser that finishes starting after the run ended (a signal) has nobody left to answer.
  const answer = (message: BrokerAnswer) => {
    if (!closed) channel.postMessage(message);
  };
  const ensureServing = (): Promise<Served> => {
    if (!serving) {
      launches += 1;
      serving = start();
      serving.catch(() => undefined); // answered to each request below; none may have come yet
    }
    return serving;
  };
  channel.onmessage = (event) => {
    const request = event.data as BrokerRequest | undefined;
    if (request?.kind !== 'browser-request') return;
    ensureServing().then(
      ({ browser, identity }) => answer({ kind: 'browser-ready', id: request.id, wsEndpoint: browser.server.wsEndpoint(), identity }),
      (error: unknown) =>
        answer(
          error instanceof ChromiumUnavailableError
            ? { kind: 'browser-unavailable', id: request.id, reason: error.detail }
            : { kind: 'browser-failed', id: request.id, message: (error as Error)?.message ?? String(error) },
        ),
    );
  };
  env[BROWSER_BROKER_ENV] = name;
  return {
    get launches() {
      return launches;
    },
    warm() {
      if (!closed) ensureServing();
    },
    async close() {
      if (env[BROWSER_BROKER_ENV] === name) delete env[BROWSER_BROKER_ENV];
      closed = true;
      channel.close();
      const started = await serving?.catch(() => undefined);
      await started?.browser.server.close().catch(() => undefined);
    },
  };
}

/** Longer than three launch attempts of 30 s each: a browser that is still starting is worth the wait. */
const BROKER_WAIT_MS = 120_000;

/** Worker: the run's browser from the broker. Rejects with ChromiumUnavailableError when none could start. */
export async function browserFromBroker(name: string, waitMs = BROKER_WAIT_MS): Promise<LaunchedChromium> {
  const channel = new BroadcastChannel(name);
  const id = randomUUID();
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = await new Promise<BrokerAnswer>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the run's browser broker within ${waitMs / 1000} s`)), waitMs);
      channel.onmessage = (event) => {
        const data = event.data as BrokerAnswer | BrokerRequest | undefined;
        if (data?.id === id && data.kind !== 'browser-request') resolve(data);
      };
      channel.postMessage({ kind: 'browser-request', id } satisfies BrokerRequest);
    });
    if (answer.kind === 'browser-unavailable') throw new ChromiumUnavailableError(answer.reason);
    if (answer.kind === 'browser-failed') throw new Error(`the run's browser could not be started: ${answer.message}`);
    const { chromium } = await import('playwright-core');
    const browser: Browser = await chromium.connect(answer.wsEndpoint, { timeout: 30_000 });
    return { browser, identity: answer.identity };
  } finally {
    clearTimeout(timer);
    channel.close();
  }
}
