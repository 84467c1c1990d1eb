/**
 * `<learner>+ses` (e.g. `attmf+ses`): a learner wrapped in SES, FaaSConf's
 * safe exploration (paper 000 §4.3; agents/ses.ts), under one agent name —
 * the FaaSConf system itself is `attmf+ses`. The same as `ses` with
 * `inner: <learner>`, with two conveniences:
 *
 * - options are flat: SES's own keys (`kSigma`, `topFraction`, `noiseStd`,
 *   `violationThreshold`, `recentRecords`, `refreshEvery`, `minBandRecords`,
 *   `workloadTolerance`, `applyWhenGreedy`, `maxRecords`, `app`) go to SES,
 *   every other key to the learner (`--set gamma=0.5 --set kSigma=1`);
 * - the zoo entry is the learner's (`zooAgent`): `faasgym train --agent
 *   attmf+ses` trains with the options tuned for `attmf`.
 *
 * Checkpoints are SES checkpoints (agent `ses`, the learner in `inner/`), so
 * `faasgym eval` reloads them like any `ses` run.
 */
import { ConfigError, quote } from '../src/core/errors.js';
import type { AgentFactory } from './agent.js';
import { getAgentFactory, registerAgentFamily } from './registry.js';
import { SES_DEFAULTS, sesFactory } from './ses.js';

const SUFFIX = '+ses';
const SES_KEYS = new Set([...Object.keys(SES_DEFAULTS), 'app']);
const built = new Map<string, AgentFactory>();

/** The factory of `<learner>+ses`, or null when `name` does not end in `+ses`. */
export function withSesFactory(name: string): AgentFactory | null {
  if (!name.endsWith(SUFFIX)) return null;
  const cached = built.get(name);
  if (cached) return cached;
  const base = name.slice(0, -SUFFIX.length);
  if (base === '' || base === 'ses' || base.endsWith(SUFFIX)) throw new ConfigError(`agent ${quote(name)}: ${SUFFIX} wraps one learner (e.g. "attmf+ses"), not ${base === '' ? 'nothing' : quote(base)}`);
  const inner = getAgentFactory(base);
  const factory: AgentFactory = {
    name,
    kind: sesFactory.kind,
    description: `${base} with SES safe exploration (FaaSConf §4.3); options: ${base}'s, plus SES's (${[...SES_KEYS].join(', ')})`,
    trainingBudgetOption: 'totalSteps',
    zooAgent: base,
    supports(env) {
      const why = sesFactory.supports(env);
      if (why) return why;
      const innerWhy = inner.supports(env);
      return innerWhy ? `${base}: ${innerWhy}` : null;
    },
    create(env, options, seed) {
      if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new ConfigError(`${name}: options must be an object, got ${quote(options)}`);
      const own: Record<string, unknown> = { inner: base };
      const innerOptions: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(options)) {
        if (k === 'totalSteps' || SES_KEYS.has(k)) own[k] = v;
        else innerOptions[k] = v;
      }
      return sesFactory.create(env, { ...own, innerOptions }, seed);
    },
  };
  built.set(name, factory);
  return factory;
}

registerAgentFamily(`<learner>${SUFFIX}`, withSesFactory);
