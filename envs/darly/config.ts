/**
 * The typed, validated config of the Darly environments: the schema (defaults
 * and one line of doc per field, rendered into docs/envs/darly.md) and the
 * cross-field checks `parseConfig` cannot express.
 */
import { ConfigError, quote } from '../../src/core/errors.js';
import { parseConfig, type ConfigOf } from '../common/config.js';

export const DARLY_SCHEMA = {
  backend: { type: 'object', default: null, doc: 'cluster backend: `null` (the simulator), or `{kind, ...}` for a registered backend (`kubernetes`, `twin`)' },
  qosTargets: { type: 'numbers', default: [35, 26], min: 0, doc: 'QoS targets L_t in seconds, one per phase (§5.1: 35 s loose, then 26 s strict); every value > 0' },
  qosPhaseSteps: { type: 'numbers', default: [300, 200], min: 1, doc: 'requests each QoS phase lasts (§5.1: 300 then 200), one integer per target; the schedule repeats after the last phase' },
  frames: { type: 'numbers', default: [48, 65], min: 1, doc: 'frames per request n, drawn uniformly per request (§3.3 / §5 use 16, 32, 65; the many-frame 48 and 65 calibrate Kubernetes to §5.3\'s 34 % / 0 %); integers' },
  frameBatches: { type: 'integer', default: 8, min: 1, max: 64, doc: 'invocations each ML stage (face-detector, face-analyzer, object-recognition) splits a request\'s frames into, spread over its replicas (the paper\'s queue-worker fan-out, §4.2)' },
  stressLevels: { type: 'numbers', default: [0, 0.25, 0.5, 0.75], min: 0, max: 1, doc: 'co-located interference levels (fraction of a node\'s cores, §3.3), one drawn uniformly per node at reset and every `stressEvery` requests' },
  stressEvery: { type: 'integer', default: 50, min: 1, doc: 'requests between two redraws of every node\'s interference level (only on backends that can inject it)' },
  maxReplicas: { type: 'integer', default: 4, min: 1, max: 8, doc: 'maximum replicas of a scalable function (Rs of eq. (3) is the sum of the functions\' maxima; the framer is migrate-only, max 1)' },
  settleSeconds: { type: 'number', default: 10, min: 0, doc: 'seconds between a request\'s completion and the next request, in which the action is applied and a new or migrated replica cold-starts (rolling update, §4.3.3)' },
  controlled: { type: 'enum', default: 'paper', values: ['paper', 'all'] as const, doc: '`paper`: the agent acts on framer, face-detector, face-analyzer, object-recognition (§3.3, §5); `all`: on the uploader too' },
  k1: { type: 'number', default: 3, min: 0, doc: 'k1 of eq. (3), weight of L_a/L_t when the QoS is met (§4.5)' },
  k2: { type: 'number', default: 6, min: 0, doc: 'k2 of eq. (3), largest violation penalty (§4.5)' },
  k3: { type: 'number', default: 4, min: 0, doc: 'k3 of eq. (3), base violation penalty (§4.5)' },
} as const;

export type DarlyConfig = ConfigOf<typeof DARLY_SCHEMA>;

/** `parseConfig` plus the checks across fields; every problem is a `ConfigError` naming the field. */
export function parseDarlyConfig(id: string, input: unknown): DarlyConfig {
  const c = parseConfig(id, input, DARLY_SCHEMA);
  const bad = (field: string, what: string): never => {
    throw new ConfigError(`${id}: config.${field} must be ${what}, got ${quote(c[field as keyof DarlyConfig])}`);
  };
  if (c.qosTargets.some((t) => !(t > 0))) bad('qosTargets', 'an array of numbers > 0');
  if (c.qosPhaseSteps.some((s) => !Number.isSafeInteger(s))) bad('qosPhaseSteps', 'an array of positive integers');
  if (c.qosPhaseSteps.length !== c.qosTargets.length) bad('qosPhaseSteps', `an array with one entry per QoS target (${c.qosTargets.length})`);
  if (c.frames.some((n) => !Number.isSafeInteger(n))) bad('frames', 'an array of positive integers');
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
