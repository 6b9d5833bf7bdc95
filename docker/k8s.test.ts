// No cluster runs where we develop, so the Kubernetes manifests are checked by reading: each
// validates against the Kubernetes (and KEDA) schemas, the probes hit the worker's real health
// paths on the port it listens on, the grace periods nest, and KEDA's query runs on our schema.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { countJobsByState, addJob } from '@herald/db';
import { createTestDatabase } from '@herald/db/testing';
import { Job } from 'kubernetes-models/batch/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Namespace, Service } from 'kubernetes-models/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { HEALTH_PATHS } from '../apps/worker/src/observability/health-server.ts';
import { WorkerEnv } from '../apps/worker/src/env.ts';
import { WebEnv } from '../apps/web/app/env.server.ts';

const dir = fileURLToPath(new URL('./k8s/', import.meta.url));
const read = (name: string) => readFileSync(`${dir}${name}`, 'utf8');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: unknown;
}
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

const kustomization = parseAllDocuments(read('kustomization.yaml'))[0]!.toJS() as {
  resources: string[];
  images: { name: string }[];
};
const manifests: Manifest[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(read(file)).map((doc) => doc.toJS() as Manifest),
);
const find = (kind: string, name: string) => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};

interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: { name: string; value?: string }[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: { httpGet: { path: string; port: string | number } };
  readinessProbe?: { httpGet: { path: string; port: string | number } };
}
const podOf = (m: Manifest) =>
  (
    m.spec as {
      template: { spec: { containers: Container[]; terminationGracePeriodSeconds?: number } };
    }
  ).template.spec;
const envOf = (c: Container) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
const portOf = (c: Container, port: string | number) =>
  typeof port === 'number' ? port : c.ports?.find((p) => p.name === port)?.containerPort;

describe('docker/k8s', () => {
  it('lists every manifest in the kustomization, and nothing that is missing', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it.each(manifests.map((m) => [`${m.kind} ${m.metadata.name}`, m] as const))(
    '%s validates against its schema',
    (_label, manifest) => {
      const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
      expect(Model, `${manifest.apiVersion} ${manifest.kind}`).toBeDefined();
      expect(() => new Model!(manifest as never).validate()).not.toThrow();
    },
  );

  it("probes the worker's real health paths on the port it listens on", () => {
    const pod = podOf(find('Deployment', 'herald-worker'));
    const worker = pod.containers[0]!;
    const env = WorkerEnv.parse({
      DATABASE_URL: 'postgresql://x',
      TOKEN_ENCRYPTION_KEY: 'x',
      ...envOf(worker),
    });
    expect(worker.livenessProbe!.httpGet.path).toBe(HEALTH_PATHS.live);
    expect(worker.readinessProbe!.httpGet.path).toBe(HEALTH_PATHS.ready);
    for (const probe of [worker.livenessProbe!, worker.readinessProbe!]) {
      expect(portOf(worker, probe.httpGet.port)).toBe(env.WORKER_HEALTH_PORT);
    }
    // Running jobs get their grace, then their abort, then a margin, all before SIGKILL.
    expect(pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThanOrEqual(
      env.WORKER_SHUTDOWN_GRACE_MS + 10_000,
    );
    const dockerfile = readFileSync(
      fileURLToPath(new URL('./Dockerfile', import.meta.url)),
      'utf8',
    );
    expect(dockerfile).toContain(`EXPOSE ${env.WORKER_HEALTH_PORT}`);
  });

  it('serves the web app on the port it is told, behind one trusted proxy', () => {
    const web = podOf(find('Deployment', 'herald-web')).containers[0]!;
    const env = WebEnv.parse({ DATABASE_URL: 'postgresql://x', ...envOf(web) });
    expect(web.ports![0]!.containerPort).toBe(Number(envOf(web).PORT));
    expect(env.TRUST_PROXY).toBe(1);
    expect(portOf(web, web.readinessProbe!.httpGet.port)).toBe(Number(envOf(web).PORT));
  });

  it('runs migrations with the worker image and scales workers with KEDA', () => {
    const migrate = podOf(find('Job', 'herald-migrate')).containers[0]!;
    expect(migrate.image).toBe('herald-worker');
    expect(migrate.command).toEqual(['node', 'dist/migrate.js']);
    const scaled = find('ScaledObject', 'herald-worker').spec as {
      scaleTargetRef: { name: string };
      triggers: { type: string; metadata: Record<string, string> }[];
    };
    expect(scaled.scaleTargetRef.name).toBe('herald-worker');
    expect(kustomization.images.map((i) => i.name).sort()).toEqual(['herald-web', 'herald-worker']);
    expect(scaled.triggers[0]!.type).toBe('postgresql');
    expect(scaled.triggers[0]!.metadata.connectionFromEnv).toBe('DATABASE_URL');
  });

  it("KEDA's query runs on our schema and counts the due jobs the worker's metrics count", async () => {
    const { query } = (
      find('ScaledObject', 'herald-worker').spec as {
        triggers: { metadata: { query: string } }[];
      }
    ).triggers[0]!.metadata;
    const t = await createTestDatabase();
    try {
      await t.db.$transaction(async (tx) => {
        for (const [key, runAt] of [
          ['due-1', new Date(Date.now() - 1_000)],
          ['due-2', new Date(Date.now() - 60_000)],
          ['later', new Date(Date.now() + 3_600_000)],
        ] as const) {
          await addJob(tx, { identifier: 'some_task', payload: {}, runAt, jobKey: key });
        }
      });
      const [row] = await t.db.$queryRawUnsafe<{ count: bigint }[]>(query);
      expect(Number(row!.count)).toBe(2);
      expect((await countJobsByState(t.db)).due).toBe(2);
    } finally {
      await t.drop();
    }
  });
});
