/**
 * `--target <reference|containers|path/to/profile.yaml>` -> the provider that starts or attaches to it.
 */
import { ReferenceStack } from '../../reference/stack.ts';
import { UsageError } from '../../cli/errors.ts';
import { describeReferenceTarget } from './reference-target.ts';
import { ContainersTargetProvider } from './containers.ts';
import { ExternalTargetProvider } from './external.ts';
import { once, type StartOptions, type StartedTarget, type TargetProvider } from './provider.ts';

/** The embedded default: IdP, gateway and component as local processes on 127.0.0.1 ephemeral ports. */
export class ReferenceTargetProvider implements TargetProvider {
  readonly kind = 'reference' as const;
  readonly label = 'reference';

  async start(options: StartOptions = {}): Promise<StartedTarget> {
    const faults = options.faults ?? [];
    const stack = await ReferenceStack.start({ faults, ...(options.referenceParts ? { parts: options.referenceParts } : {}) });
    return { description: describeReferenceTarget(stack.urls, { faults }), stop: once(() => stack.stop()) };
  }
}

export const TARGET_NAMES = ['reference', 'containers'] as const;

export function targetProvider(target: string): TargetProvider {
  if (target === 'reference') return new ReferenceTargetProvider();
  if (target === 'containers') return new ContainersTargetProvider();
  if (/\.ya?ml$/i.test(target)) return new ExternalTargetProvider(target);
  throw new UsageError(`unknown target "${target}": use reference, containers, or a target profile file (*.yaml), e.g. fixtures/targets/example.yaml`);
}
