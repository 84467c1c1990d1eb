/**
 * Which cluster an environment runs on. Environments build a scenario (the
 * simulated cluster's description, from the papers' presets and the env's
 * config) and ask for a `Cluster`; they never touch a backend directly, so
 * the same environment id runs wherever a backend exists.
 *
 * - `sim` (default): the embedded simulator, a fresh `SimCluster` per episode.
 * - `kubernetes`, `twin`: the real backend (src/cluster/kubernetes,
 *   docs/real-cluster.md) and the simulator served over the real HTTP APIs
 *   behind the same backend. Other kinds can be added with `registerBackend`;
 *   asking for an unknown one is a `ConfigError` that lists the available ones.
 */
import { ConfigError, quote } from '../../src/core/errors.js';
import { SimCluster } from '../../src/cluster/sim/sim-cluster.js';
import { KubernetesCluster } from '../../src/cluster/kubernetes/kubernetes-cluster.js';
import { createTwinCluster } from '../../src/cluster/kubernetes/twin-backend.js';
import type { ResolvedScenario, ScenarioSpec } from '../../src/cluster/sim/spec.js';
import type { Cluster } from '../../src/cluster/types.js';

export interface BackendConfig {
  kind: string;
  [option: string]: unknown;
}

/** Builds a cluster for one episode from the scenario the environment describes. */
export type BackendFactory = (scenario: ScenarioSpec | ResolvedScenario, config: BackendConfig) => Cluster;

const factories = new Map<string, BackendFactory>([
  ['sim', (scenario) => new SimCluster(scenario)],
  // A real cluster (src/cluster/kubernetes, docs/real-cluster.md) and the twin in-process behind the same backend.
  ['kubernetes', (scenario, config) => new KubernetesCluster(scenario, config)],
  ['twin', (scenario, config) => createTwinCluster(scenario, config)],
]);

/** Make a backend kind available to every environment (`make(id, { backend: { kind } })`). */
export function registerBackend(kind: string, factory: BackendFactory): void {
  factories.set(kind, factory);
}

export function backendKinds(): string[] {
  return [...factories.keys()];
}

/** Validate the `backend` field of an env config (`null`/absent: the simulator). */
export function parseBackend(id: string, value: unknown): BackendConfig {
  if (value === undefined || value === null) return { kind: 'sim' };
  if (typeof value === 'string') value = { kind: value };
  if (typeof value !== 'object' || Array.isArray(value) || typeof (value as BackendConfig).kind !== 'string') {
    throw new ConfigError(`${id}: config.backend must be an object {kind, ...} or a kind name, got ${quote(value)}`);
  }
  const kind = (value as BackendConfig).kind;
  if (!factories.has(kind)) {
    throw new ConfigError(`${id}: config.backend.kind ${quote(kind)} is not available (available: ${backendKinds().join(', ')})`);
  }
  return value as BackendConfig;
}

export function createCluster(backend: BackendConfig, scenario: ScenarioSpec | ResolvedScenario): Cluster {
  const factory = factories.get(backend.kind);
  if (!factory) throw new ConfigError(`backend ${quote(backend.kind)} is not available (available: ${backendKinds().join(', ')})`);
  return factory(scenario, backend);
}
