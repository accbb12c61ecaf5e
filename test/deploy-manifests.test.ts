/**
 * The Kubernetes manifests under deploy/ (issue 21): every document validates against the Kubernetes API
 * schemas (kubernetes-models), and the properties the README promises hold — an Indexed Job whose completion
 * index is the shard, least privilege (no API token, no RBAC objects), resource limits, non-root with a
 * read-only root filesystem, secrets only through the Secret, and a merge step that reads every shard.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KIT_ROOT } from '../support/traceability.ts';
import { loadProfile } from '../support/target/profile.ts';

const DEPLOY = join(KIT_ROOT, 'deploy');

interface Manifest {
  readonly file: string;
  readonly doc: Record<string, any>;
}

function manifests(dir = DEPLOY): Manifest[] {
  const out: Manifest[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...manifests(path));
    else if (/\.ya?ml$/.test(entry.name)) {
      for (const d of parseAllDocuments(readFileSync(path, 'utf8'))) {
        assert.deepEqual(d.errors, [], `${path}: not valid YAML`);
        const doc = d.toJS() as Record<string, any> | null;
        if (doc) out.push({ file: relative(KIT_ROOT, path), doc });
      }
    }
  }
  return out;
}

const all = manifests();
const ofKind = (kind: string) => all.filter((m) => m.doc.kind === kind);
const byName = (kind: string, name: string) => ofKind(kind).find((m) => m.doc.metadata?.name === name)?.doc;

test('every manifest validates against the Kubernetes API schema of its kind', async () => {
  assert.ok(all.length >= 6, `found ${all.length} manifests under deploy/`);
  for (const { file, doc } of all) {
    const apiVersion = String(doc.apiVersion);
    const module = (await import(`kubernetes-models/${apiVersion}`)) as Record<string, new (data: unknown) => { validate(): void }>;
    const Model = module[doc.kind];
    assert.ok(Model, `${file}: no Kubernetes model for ${apiVersion} ${doc.kind}`);
    assert.doesNotThrow(() => new Model(doc).validate(), `${file}: ${doc.kind} ${doc.metadata?.name} does not validate`);
  }
});

test('the schema check has teeth: a wrong type or value is refused', async () => {
  const { Job } = await import('kubernetes-models/batch/v1');
  const job = structuredClone(byName('Job', 'auth-ctk-shards')!);
  job.spec.completions = 'three';
  assert.throws(() => new Job(job).validate());
  const { Pod } = await import('kubernetes-models/v1');
  assert.throws(() => new Pod({ metadata: { name: 'x' }, spec: { containers: [{ name: 'x', image: 'x', resources: { limits: { cpu: [] as unknown as string } } }] } }).validate());
  // Not caught here: an unknown (misspelt) field name. The API schemas allow extra fields, as the API server does
  // without strict field validation; "kubectl apply --dry-run=server --validate=strict -f deploy/" catches them.
});

test('the shards are an Indexed Job: completion index = shard, n the same everywhere', () => {
  const job = byName('Job', 'auth-ctk-shards')!;
  assert.equal(job.spec.completionMode, 'Indexed');
  const n = job.spec.completions as number;
  assert.equal(job.spec.parallelism, n);
  const container = job.spec.template.spec.containers[0];
  const args: string[] = container.args;
  assert.equal(args[0], 'run', 'the image\'s entrypoint is auth-ctk');
  assert.equal(args[args.indexOf('--shard') + 1], `job/${n}`, 'the shard comes from JOB_COMPLETION_INDEX, of n = completions');
  assert.equal(job.spec.template.spec.restartPolicy, 'Never');
  const merge = byName('Job', 'auth-ctk-merge')!;
  const mergeArgs: string[] = merge.spec.template.spec.containers[0].args;
  assert.equal(mergeArgs[0], 'merge', 'the image\'s entrypoint is auth-ctk');
  for (let i = 1; i <= n; i++) assert.ok(mergeArgs.includes(`reports/shard-${i}-of-${n}`), `merge reads shard ${i}/${n}`);
  assert.ok(mergeArgs.includes('--signing-key'), 'the merge step signs with a key from a Secret');
});

test('least privilege: no API token, no RBAC, limits, non-root, read-only root filesystem', () => {
  const sa = byName('ServiceAccount', 'auth-ctk')!;
  assert.equal(sa.automountServiceAccountToken, false);
  for (const kind of ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']) assert.deepEqual(ofKind(kind), [], `no ${kind}: the kit needs no API permission`);
  for (const { file, doc } of ofKind('Job')) {
    const pod = doc.spec.template.spec;
    assert.equal(pod.serviceAccountName, 'auth-ctk', file);
    assert.equal(pod.automountServiceAccountToken, false, file);
    assert.equal(pod.securityContext.runAsNonRoot, true, file);
    for (const c of pod.containers) {
      assert.ok(c.resources?.limits?.cpu && c.resources?.limits?.memory, `${file}: ${c.name} has cpu and memory limits`);
      assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${file}: ${c.name}`);
      assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${file}: ${c.name}`);
      assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL'], `${file}: ${c.name}`);
      const writable = new Set((c.volumeMounts ?? []).filter((m: any) => !m.readOnly).map((m: any) => m.mountPath));
      assert.ok(writable.has('/tmp') && writable.has('/app/reports'), `${file}: ${c.name} writes only to /tmp and /app/reports`);
      for (const e of c.env ?? []) assert.ok(!/SECRET|PASSWORD|TOKEN/i.test(e.name) || e.valueFrom, `${file}: ${e.name} is not a literal secret`);
    }
  }
});

test('the profile in the ConfigMap is a valid target profile whose every ${VAR} the Secret provides', () => {
  const profile = byName('ConfigMap', 'auth-ctk-profile')!.data['target.yaml'] as string;
  const secret = byName('Secret', 'auth-ctk-secrets')!;
  const job = byName('Job', 'auth-ctk-shards')!;
  assert.ok(job.spec.template.spec.containers[0].envFrom.some((e: any) => e.secretRef?.name === 'auth-ctk-secrets'), 'the shards get the Secret as environment');
  const dir = mkdtempSync(join(tmpdir(), 'ctk-deploy-'));
  try {
    const file = join(dir, 'target.yaml');
    writeFileSync(file, profile);
    const references = [...profile.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);
    assert.ok(references.length > 0);
    for (const name of references) assert.ok(name in secret.stringData, `the Secret provides ${name}`);
    // Validated and resolved exactly as `auth-ctk run --target` does, with the Secret's keys as the environment.
    const loaded = loadProfile(file, { env: secret.stringData, cwd: dir });
    assert.equal(loaded.name, 'Canvas component (in-cluster)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
