/**
 * The embedded reference stack: IdP, component and gateway as three local processes on 127.0.0.1 ephemeral
 * ports. Started by the kit, stopped by the kit; children exit on their own when the kit dies (IPC channel).
 *
 * Beside them (issue 20), the kit's JWKS relay (support/jwks/relay.ts, in this process) and a SECOND gateway process,
 * same configuration and faults as the first, whose jwks_uri is the relay: the JWKS robustness scenarios switch the
 * relay's key set down or slow and call that gateway only, so no other scenario's gateway ever sees an outage.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FIXTURES_PATH } from './fixtures.ts';
import { AWAIT_ENVIRONMENT_ENV } from './server-process.ts';
import { withNeededVariations } from './faults.ts';
import { HTTPS_VARIATION, referenceTlsMaterial, type ReferenceTlsMaterial } from './tls-material.ts';
import { JwksRelay } from '../support/jwks/relay.ts';
import { ALL_REFERENCE_PARTS, type ReferenceParts } from '../support/target/reference-parts.ts';
import { makeMtlsMaterials, mtlsEnvironment, MTLS_CLIENT_ID, type ReferenceMtls } from './mtls.ts';

export interface ReferenceStackOptions {
  /** Named faults to inject (kit self-test); see reference/faults.ts. */
  readonly faults?: readonly string[];
  readonly fixturesPath?: string;
  /** Bind address; 127.0.0.1 keeps everything on loopback. */
  readonly host?: string;
  /** Print server logs (stderr is always kept for error messages). */
  readonly verbose?: boolean;
  readonly startTimeoutMs?: number;
  /** Fixed ports (default 0 = ephemeral): `auth-ctk serve --port-base` gives stable URLs for a target profile. */
  readonly ports?: { readonly idp?: number; readonly gateway?: number; readonly component?: number };
  /** The optional parts to start (default all): a run that selects no mTLS or JWKS relay scenario skips them. */
  readonly parts?: ReferenceParts;
}

export interface ReferenceUrls {
  readonly idp: string;
  readonly issuer: string;
  readonly gateway: string;
  readonly component: string;
  /**
   * Variation https-reference (issue 19): the IdP and the gateway serve https with a certificate of the run's own CA
   * (its certificate here, for the kit to trust), and the IdP's plain-http twin listens at `plainIdp`.
   */
  readonly tls?: { readonly caPem: string; readonly caFile: string; readonly plainIdp?: string };
  /** The kit's JWKS relay (its JWK Set URL and admin token) and the gateway that fetches its keys there. */
  readonly jwksRelay?: { readonly url: string; readonly gatewayUrl: string; readonly adminToken: string };
  /** Issue 19: the mTLS listeners of the IdP and the gateway (RFC 8705), with the run-time CA's certificates. */
  readonly mtls?: ReferenceMtls;
}

interface ReadyMessage {
  readonly type: 'ready';
  readonly name: string;
  readonly url: string;
  readonly issuer?: string;
  /** The IdP's plain-http twin (https mode only). */
  readonly plainUrl?: string;
  readonly mtlsUrl?: string;
}

export class ReferenceStackStartError extends Error {
  constructor(server: string, detail: string) {
    super(`the reference ${server} did not start: ${detail}`);
    this.name = 'ReferenceStackStartError';
  }
}

const entry = (name: string) => fileURLToPath(new URL(`./${name}/main.ts`, import.meta.url));

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last line of defence: if the kit exits without stopping the stack, kill what is left. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export class ReferenceStack {
  readonly urls: ReferenceUrls;
  readonly faults: readonly string[];
  private readonly children: ChildProcess[];
  private readonly tls: ReferenceTlsMaterial | undefined;
  private readonly relay: JwksRelay | undefined;

  private constructor(urls: ReferenceUrls, faults: readonly string[], children: ChildProcess[], parts: { tls?: ReferenceTlsMaterial; relay?: JwksRelay } = {}) {
    this.urls = urls;
    this.faults = faults;
    this.children = children;
    this.tls = parts.tls;
    this.relay = parts.relay;
  }

  static async start(options: ReferenceStackOptions = {}): Promise<ReferenceStack> {
    installExitHook();
    const host = options.host ?? '127.0.0.1';
    const faults = options.faults ?? [];
    const common = {
      AUTH_CTK_FIXTURES: options.fixturesPath ?? DEFAULT_FIXTURES_PATH,
      AUTH_CTK_FAULTS: faults.join(','),
    };
    const children: ChildProcess[] = [];
    // Variation https-reference (or a TLS fault, which needs it): certificates of a CA made for this run.
    const switches = new Set(withNeededVariations(faults));
    const tls = switches.has(HTTPS_VARIATION) ? await referenceTlsMaterial(switches) : undefined;
    const https = tls?.environment ?? {};
    let relay: JwksRelay | undefined;
    const parts = options.parts ?? ALL_REFERENCE_PARTS;
    // Issue 19: the kit's run-time test CA and the certificates of the mTLS listeners (reference/mtls.ts).
    const mtls = parts.mtls ? await makeMtlsMaterials(host) : undefined;
    const mtlsEnv = mtls ? mtlsEnvironment(mtls) : {};
    const spawn = (name: string, env: Record<string, string>, later?: Promise<Record<string, string>>) =>
      startChild(name, { ...common, ...env }, options.verbose ?? false, options.startTimeoutMs ?? 15_000, children, later);
    // The gateways start with the IdP and load their modules meanwhile; their configuration follows once the IdP and
    // the component listen (their URLs are ephemeral). Saves a Node start per stack (~0.3 s on 2 cores).
    let configureGateways!: (env: { main: Record<string, string>; relay?: Record<string, string> }) => void;
    let gatewaysNotNeeded!: (error: Error) => void;
    const gatewayConfig = new Promise<{ main: Record<string, string>; relay?: Record<string, string> }>((resolve, reject) => {
      configureGateways = resolve;
      gatewaysNotNeeded = reject;
    });
    gatewayConfig.catch(() => undefined);
    try {
      const gateways = Promise.all([
        // What is known now goes in at the start: NODE_EXTRA_CA_CERTS (https mode) is read by Node only when it starts.
        spawn('gateway', { ...https, ...mtlsEnv }, gatewayConfig.then((c) => c.main)),
        parts.jwksRelay ? spawn('gateway', { ...https, ...mtlsEnv }, gatewayConfig.then((c) => c.relay!)) : undefined,
      ]);
      gateways.catch(() => undefined);
      const [idp, component] = await Promise.all([
        spawn('idp', { ...https, ...mtlsEnv, AUTH_CTK_IDP_HOST: host, AUTH_CTK_IDP_PORT: String(options.ports?.idp ?? 0) }),
        spawn('component', { AUTH_CTK_COMPONENT_HOST: host, AUTH_CTK_COMPONENT_PORT: String(options.ports?.component ?? 0) }),
      ]).catch((error: unknown) => {
        gatewaysNotNeeded(error as Error);
        throw error;
      });
      const issuer = idp.issuer ?? idp.url;
      relay = parts.jwksRelay ? await JwksRelay.start({ upstream: `${idp.url}/jwks`, host, ...(tls ? { upstreamCaPem: tls.caPem } : {}) }) : undefined;
      const gatewayEnv = (port: number, jwksUri: string) => ({
        AUTH_CTK_GATEWAY_HOST: host,
        AUTH_CTK_GATEWAY_PORT: String(port),
        AUTH_CTK_ISSUER: issuer,
        AUTH_CTK_JWKS_URI: jwksUri,
        AUTH_CTK_UPSTREAM: component.url,
      });
      configureGateways({ main: gatewayEnv(options.ports?.gateway ?? 0, `${idp.url}/jwks`), ...(relay ? { relay: gatewayEnv(0, relay.url) } : {}) });
      const [gateway, relayGateway] = await gateways;
      const jwksRelay = relay && relayGateway ? { url: relay.url, gatewayUrl: relayGateway.url, adminToken: relay.adminToken } : undefined;
      const mtlsUrls = mtls && idp.mtlsUrl && gateway.mtlsUrl ? { idpUrl: idp.mtlsUrl, gatewayUrl: gateway.mtlsUrl } : undefined;
      const referenceMtls: ReferenceMtls | undefined = mtls && mtlsUrls && { ...mtlsUrls, caCertificatePem: mtls.caCertificatePem, clientId: MTLS_CLIENT_ID, client: mtls.client, otherCertificate: mtls.otherCertificate };
      const urls = { idp: idp.url, issuer, gateway: gateway.url, component: component.url, ...(jwksRelay ? { jwksRelay } : {}), ...(referenceMtls ? { mtls: referenceMtls } : {}) };
      return new ReferenceStack(tls ? { ...urls, tls: { caPem: tls.caPem, caFile: tls.caFile, ...(idp.plainUrl ? { plainIdp: idp.plainUrl } : {}) } } : urls, faults, children, { tls, relay });
    } catch (error) {
      await Promise.all([stopAll(children), relay?.stop()]);
      tls?.dispose();
      throw error;
    }
  }

  async stop(): Promise<void> {
    await Promise.all([stopAll(this.children), this.relay?.stop()]);
    this.tls?.dispose();
  }
}

/** `later`: the rest of the child's environment, sent once known (reference/server-process.ts environmentFromParent). */
function startChild(
  name: string,
  env: Record<string, string>,
  verbose: boolean,
  timeoutMs: number,
  children: ChildProcess[],
  later?: Promise<Record<string, string>>,
): Promise<ReadyMessage> {
  const child = fork(entry(name), [], {
    env: { ...process.env, ...env, ...(later ? { [AWAIT_ENVIRONMENT_ENV]: '1' } : {}) },
    execPath: process.execPath,
    stdio: ['ignore', verbose ? 'inherit' : 'ignore', 'pipe', 'ipc'],
  });
  children.push(child);
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
    if (verbose) process.stderr.write(chunk);
  });
  later?.then((rest) => {
    if (child.connected) child.send({ type: 'environment', env: rest });
  }, () => child.kill('SIGTERM'));
  return new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ReferenceStackStartError(name, `no ready message within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    child.on('message', (message: ReadyMessage) => {
      if (message?.type === 'ready') {
        clearTimeout(timer);
        resolve(message);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new ReferenceStackStartError(name, `exited (code ${code}, signal ${signal})\n${stderr}`));
    });
  });
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}
