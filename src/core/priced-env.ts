/**
 * Prices as a capability an environment may offer: what running the
 * configuration a joint action stands for costs (FaaSConf: the eq. 2 rate).
 * Agents that weigh actions by their price (SES, FaaSConf §4.3) ask the
 * environment through `pricedEnvOf` instead of checking its class; an
 * environment without prices leaves the agent to its own proxy.
 */
import { isParallelEnv } from './env.js';

/** A joint action: one action vector per agent, in the environment's `possibleAgents` order (one vector for a single-agent env). */
export type JointAction = number[][];

/** An environment that prices joint actions. */
export interface PricedEnv {
  /** The price of the configuration `joint` stands for, in the environment's cost unit (FaaSConf: USD per hour). */
  priceOf(joint: JointAction): number;
  /** Names the price model (saved with the agents that use it, e.g. `faasconf-eq2`). */
  readonly priceModel: string;
}

/** Whether `env` itself offers prices. */
export function isPricedEnv(env: unknown): env is PricedEnv {
  return typeof env === 'object' && env !== null && typeof (env as Partial<PricedEnv>).priceOf === 'function' && typeof (env as Partial<PricedEnv>).priceModel === 'string';
}

function isEnvLike(x: unknown): x is object {
  return typeof x === 'object' && x !== null && typeof (x as { step?: unknown }).step === 'function';
}

/** True when `outer` takes the same actions as `inner`: the same action space objects (per agent on a ParallelEnv). */
function sameActions(outer: object, inner: object): boolean {
  if (isParallelEnv(outer) && isParallelEnv(inner)) {
    const a = outer.possibleAgents, b = inner.possibleAgents;
    return a.length === b.length && a.every((id, i) => id === b[i] && outer.actionSpace(id) === inner.actionSpace(id));
  }
  if (isParallelEnv(outer) || isParallelEnv(inner)) return false;
  return (outer as { actionSpace?: unknown }).actionSpace === (inner as { actionSpace?: unknown }).actionSpace;
}

/**
 * The environment whose prices apply to the actions `env` takes: `env`
 * itself, or the first env down its wrapper chain (`.env`, as `make`'s
 * TimeLimit and OrderEnforcing keep it) reached through wrappers that pass
 * actions on unchanged. A wrapper that changes the actions (a rescaling, the
 * flat joint action of `CentralizedEnv`) ends the search: prices of the
 * inner actions would not be prices of its own. Null when none offers prices.
 */
export function pricedEnvOf(env: unknown): PricedEnv | null {
  let e: unknown = env;
  for (let depth = 0; depth < 64 && isEnvLike(e); depth++) {
    if (isPricedEnv(e)) return e;
    const inner = (e as { env?: unknown }).env;
    if (!isEnvLike(inner) || !sameActions(e, inner)) return null;
    e = inner;
  }
  return null;
}
