/**
 * Per-scenario state. The World owns what a scenario sent and saw; nothing is global except the started
 * target (support/target/current.ts). Steps call into support/ with the World as context.
 */
import { World, setWorldConstructor, type IWorldOptions } from '@cucumber/cucumber';
import { send as sendHttp, evidenceOf, type Exchange, type HttpRequest } from './http/exchange.ts';
import type { Dispatcher } from 'undici';
import type { FindingSink } from './verdict/check.ts';
import { MEDIA, type CheckRecord, type Finding, type NotRunReason } from './verdict/media-types.ts';
import { currentTarget } from './target/current.ts';
import { blockOnUntrustedCertificate } from './http/untrusted-certificate.ts';
import { blockOnForeignIpBlock } from './load/block-reach.ts';
import { ScenarioState } from './scenario-state.ts';
import type { TargetDescription } from './target/target.ts';
import type { GatewayRouteName } from './gateway/gateway-client.ts';
import type { ControlResult } from './gateway/positive-control.ts';

export class CtkWorld extends World implements FindingSink {
  readonly exchanges: Exchange[] = [];
  readonly warnings: Finding[] = [];
  /** Every check evaluated in this scenario, passes included; attached once, after the scenario (attachChecks). */
  readonly checks: CheckRecord[] = [];
  /** The requirement IDs the scenario is tagged with (@REQ-...), set once by the first Before hook (hooks.ts). */
  requirementIds: readonly string[] = [];
  /** What steps leave for later steps of the scenario, under typed keys each area declares (scenario-state.ts). */
  readonly state = new ScenarioState();
  /** The last exchange: what `Then the response ...` steps look at. */
  last?: Exchange;
  /** The gateway route of the last exchange, when it was a gateway call: the route a refusal judge controls. */
  lastGatewayRoute?: GatewayRouteName;
  /** Positive controls sent in this scenario, per route (support/gateway/positive-control.ts). */
  readonly gatewayControls = new Map<GatewayRouteName, ControlResult>();
  /**
   * The gateway this scenario calls, when not the target's own (gateway.baseUrl): the JWKS scenarios call the gateway
   * whose jwks_uri is the kit's relay (support/jwks/relay-client.ts, set by one Before hook for @jwks-relay).
   */
  gatewayBaseUrl?: string;

  constructor(options: IWorldOptions) {
    super(options);
  }

  get target(): TargetDescription {
    return currentTarget();
  }

  /** Sends one request to the system under test, recording it as evidence. */
  async send(request: HttpRequest, options: { keepAsLast?: boolean; dispatcher?: Dispatcher } = {}): Promise<Exchange> {
    const exchange = await sendHttp({ timeoutMs: this.target.limits.requestTimeoutMs, ...request }, options.dispatcher);
    this.record(exchange, options.keepAsLast ?? true);
    // An https endpoint whose certificate cannot be trusted answers nothing: REQ-TLS-05/-06's one finding.
    blockOnUntrustedCertificate(exchange, this.requirementIds);
    // No answer while another address of the run was blocked: REQ-RL-06's one finding (load/block-reach.ts).
    blockOnForeignIpBlock(exchange, this.requirementIds, this.target);
    return exchange;
  }

  /** Records an exchange made elsewhere (bursts, browser) as evidence. */
  record(exchange: Exchange, keepAsLast = true): void {
    if (this.exchanges.length < 200) this.exchanges.push(exchange);
    if (keepAsLast) {
      this.last = exchange;
      this.lastGatewayRoute = undefined; // callGateway names the route after sending
    }
  }

  lastExchange(): Exchange {
    if (!this.last) throw new Error('no request has been sent in this scenario yet (step order in the feature file)');
    return this.last;
  }

  recordWarning(finding: Finding): void {
    this.warnings.push(finding);
    this.attach(JSON.stringify(finding), MEDIA.warning);
    this.log(`WARNING ${finding.diagnosis}`);
  }

  recordViolation(finding: Finding): void {
    this.attach(JSON.stringify(finding), MEDIA.violation);
  }

  recordCheck(record: CheckRecord): void {
    this.checks.push(record);
    if (record.outcome === 'could-not-judge') this.log(`NOT JUDGED ${record.requirementId} (${record.check}): ${record.observed}`);
  }

  /** The scenario's check records, as one attachment (After hook: also after a failed step). */
  attachChecks(): void {
    if (this.checks.length > 0) this.attach(JSON.stringify(this.checks), MEDIA.checks);
  }

  /**
   * Marks the scenario not applicable: its premise does not hold for this target (a route or a refused scope the
   * deployment does not have), which is no gap in what was judged. Return the result from the step.
   */
  notApplicable(requirementIds: readonly string[], reason: string, remedy?: string): 'skipped' {
    return this.notRun(MEDIA.notApplicable, `NOT APPLICABLE: ${reason}`, { requirementIds, reason, ...(remedy ? { remedy } : {}) });
  }

  /** Marks the scenario not testable (missing prerequisite); return the result from the step. */
  notTestable(requirementIds: readonly string[], reason: string, remedy?: string): 'skipped' {
    return this.notRun(MEDIA.notTestable, `NOT TESTABLE: ${reason}${remedy ? ` — ${remedy}` : ''}`, { requirementIds, reason, ...(remedy ? { remedy } : {}) });
  }

  private notRun(mediaType: string, line: string, record: NotRunReason): 'skipped' {
    this.attach(JSON.stringify(record), mediaType);
    this.log(line);
    return 'skipped';
  }

  attachEvidence(): void {
    if (this.exchanges.length === 0) return;
    this.attach(JSON.stringify(this.exchanges.map(evidenceOf), null, 2), MEDIA.evidence);
  }
}

setWorldConstructor(CtkWorld);
