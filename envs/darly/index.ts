import type { EnvSpec } from '../../src/registry/registry.js';
import { DARLY_IDS, DarlyEnv } from './darly-env.js';
import type { MapperName } from './mappers.js';

export { DARLY_IDS, DarlyEnv } from './darly-env.js';
export { DARLY_SCHEMA, qosTargetAt } from './config.js';
export { describeAction } from './actions.js';
export { mapperFor, type ClusterView, type MapperName } from './mappers.js';
export { observationLabels } from './observation.js';
export { darlyStepReward } from './reward.js';
export { DARLY_NODES } from './scenario.js';

const PREFIX = 'Darly: a 5-function video pipeline on 4 heterogeneous edge nodes under random interference and a 35 s then 26 s QoS; no-op, scale or migrate one function per request, eq. (3) reward';
const DESCRIPTIONS: Record<MapperName, string> = {
  fullmap: `${PREFIX}; the agent picks every migration's node (004 §5 Fullmap)`,
  custom: `${PREFIX}; the agent picks the framer's and face-detector's nodes, the least loaded node takes the others (004 §5 Custom)`,
  kubernetes: `${PREFIX}; kube-scheduler's best fit picks the node (004 §5 Kubernetes)`,
  profile: `${PREFIX}; a profile-based latency estimate picks the node (004 §5 Profile)`,
};

function spec(mapper: MapperName): EnvSpec<Record<string, unknown>> {
  return {
    id: DARLY_IDS[mapper],
    kind: 'single',
    entryPoint: (config) => new DarlyEnv(mapper, config),
    // 300 requests at the loose QoS + 200 at the strict one (004 §5.1).
    maxEpisodeSteps: 500,
    description: DESCRIPTIONS[mapper],
  };
}

/** The darly environments (registered into the default registry by envs/index.ts). */
export const darlySpecs: EnvSpec<never>[] = (['fullmap', 'custom', 'kubernetes', 'profile'] as const).map(spec) as unknown as EnvSpec<never>[];
