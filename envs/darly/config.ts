/**
 * The typed, validated config of the Darly environments: the schema (defaults
 * and one line of doc per field, rendered into docs/envs/darly.md) and the
 * cross-field checks `parseConfig` cannot express.
 */
import { ConfigError, quote } from '../../src/core/errors.js';
import { integer, MAX_STEP_SECONDS, number, numbers, object, oneOf, options, parseConfig, STEP_SECONDS_WHY, type ConfigOf } from '../common/config.js';

const REWARD_WHY = 'rewards stay of order 1–1000 for the learners\' networks';

export const DARLY_SCHEMA = options({
  backend: object({ default: null, doc: 'cluster backend: `null` (the simulator), or `{kind, ...}` for a registered backend (`kubernetes`, `twin`)' }),
  qosTargets: numbers({ default: [35, 26], gt: 0, max: MAX_STEP_SECONDS, maxLength: 64, maxWhy: 'a request is simulated within one step', doc: 'QoS targets L_t in seconds, one per phase (35 s loose, then 26 s strict)', source: 'Darly §5.1' }),
  qosPhaseSteps: numbers({ default: [300, 200], min: 1, max: 1e9, int: true, maxLength: 64, maxWhy: 'a phase is counted in steps; 10⁹ is longer than any run', doc: 'requests each QoS phase lasts, one per target; the schedule repeats after the last phase', source: 'Darly §5.1' }),
  frames: numbers({ default: [48, 65], min: 1, max: 10000, int: true, maxLength: 64, maxWhy: 'every frame is simulated work; 10⁴ frames is 150× the paper\'s largest request', doc: 'frames per request n, drawn uniformly per request (§3.3 / §5 use 16, 32, 65; the many-frame 48 and 65 calibrate Kubernetes to §5.3\'s 34 % / 0 %)', source: 'Darly §3.3, §5.3' }),
  frameBatches: integer({ default: 8, min: 1, max: 64, doc: 'invocations each ML stage (face-detector, face-analyzer, object-recognition) splits a request\'s frames into, spread over its replicas (the paper\'s queue-worker fan-out, §4.2)' }),
  stressLevels: numbers({ default: [0, 0.25, 0.5, 0.75], min: 0, max: 1, maxLength: 64, doc: 'co-located interference levels (fraction of a node\'s cores, §3.3), one drawn uniformly per node at reset and every `stressEvery` requests' }),
  stressEvery: integer({ default: 50, min: 1, max: 1e9, maxWhy: 'counted in requests; 10⁹ is never', doc: 'requests between two redraws of every node\'s interference level (only on backends that can inject it)' }),
  maxReplicas: integer({ default: 4, min: 1, max: 8, doc: 'maximum replicas of a scalable function (Rs of eq. (3) is the sum of the functions\' maxima; the framer is migrate-only, max 1)' }),
  settleSeconds: number({ default: 10, min: 0, max: MAX_STEP_SECONDS, maxWhy: STEP_SECONDS_WHY, doc: 'seconds between a request\'s completion and the next request, in which the action is applied and a new or migrated replica cold-starts (rolling update, §4.3.3)' }),
  controlled: oneOf({ default: 'paper', values: ['paper', 'all'] as const, doc: '`paper`: the agent acts on framer, face-detector, face-analyzer, object-recognition (§3.3, §5); `all`: on the uploader too' }),
  k1: number({ default: 3, min: 0, max: 1000, maxWhy: REWARD_WHY, doc: 'k1 of eq. (3), weight of L_a/L_t when the QoS is met', source: 'Darly §4.5' }),
  k2: number({ default: 6, min: 0, max: 1000, maxWhy: REWARD_WHY, doc: 'k2 of eq. (3), largest violation penalty', source: 'Darly §4.5' }),
  k3: number({ default: 4, min: 0, max: 1000, maxWhy: REWARD_WHY, doc: 'k3 of eq. (3), base violation penalty', source: 'Darly §4.5' }),
});

export type DarlyConfig = ConfigOf<typeof DARLY_SCHEMA>;

/** `parseConfig` plus the checks across fields; every problem is a `ConfigError` naming the field. */
export function parseDarlyConfig(id: string, input: unknown): DarlyConfig {
  const c = parseConfig(id, input, DARLY_SCHEMA);
  const bad = (field: string, what: string): never => {
    throw new ConfigError(`${id}: config.${field}: expected ${what}, got ${quote(c[field as keyof DarlyConfig])}`);
  };
  if (c.qosPhaseSteps.length !== c.qosTargets.length) bad('qosPhaseSteps', `an array with one entry per QoS target (${c.qosTargets.length})`);
  return c;
}

/** The QoS target of the `index`-th request of an episode (0-based), by the repeating phase schedule. */
export function qosTargetAt(config: Pick<DarlyConfig, 'qosTargets' | 'qosPhaseSteps'>, index: number): number {
  const cycle = config.qosPhaseSteps.reduce((a, b) => a + b, 0);
  let t = index % cycle;
  for (let i = 0; i < config.qosTargets.length; i++) {
    const len = config.qosPhaseSteps[i] as number;
    if (t < len) return config.qosTargets[i] as number;
    t -= len;
  }
  return config.qosTargets[config.qosTargets.length - 1] as number;
}
