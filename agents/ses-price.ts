/**
 * SES's price estimators (FaaSConf §4.3 prices every exploring action; the
 * wrapper is agents/ses.ts): the environment's own prices where it offers
 * them (the `PricedEnv` capability of src/core/priced-env.ts: FaaSConf's
 * eq. 2 rate), otherwise a resource proxy, the sum over every action
 * dimension of its position in its bounds ((a − low)/(high − low)), which
 * assumes that each dimension buys resources.
 */
import { isParallelEnv, type AnyEnv } from '../src/core/env.js';
import { quote } from '../src/core/errors.js';
import { pricedEnvOf, type JointAction } from '../src/core/priced-env.js';
import { Box } from '../src/spaces/box.js';

export type { JointAction } from '../src/core/priced-env.js';

/** Per-agent action layout the wrapper splits and joins actions with. */
export interface ActionLayout {
  agents: string[];
  low: number[][];
  high: number[][];
}

/** A price estimator, optionally tagged with the name of its model (saved as `hyperparameters.priceModel`). */
export type PriceFn = ((joint: JointAction) => number) & { model?: string };

/** The action layout of an environment whose agents all act in Boxes; the reason otherwise. */
export function actionLayoutOf(env: AnyEnv): ActionLayout | string {
  const agents = isParallelEnv(env) ? [...env.possibleAgents] : ['agent'];
  const low: number[][] = [], high: number[][] = [];
  for (const a of agents) {
    const space = isParallelEnv(env) ? env.actionSpace(a) : env.actionSpace;
    if (!(space instanceof Box)) return `SES needs continuous (Box) actions; ${isParallelEnv(env) ? `agent ${quote(a)} has` : 'the environment has'} ${String(space)}`;
    low.push([...space.low]);
    high.push([...space.high]);
  }
  return { agents, low, high };
}

/** Resource proxy price: Σ over every dimension of its position in its bounds, (a − low) / (high − low). */
export function resourceProxyPrice(layout: ActionLayout): (joint: JointAction) => number {
  return (joint) => {
    let total = 0;
    joint.forEach((a, i) => {
      const lo = layout.low[i] as number[], hi = layout.high[i] as number[];
      a.forEach((v, d) => {
        const span = (hi[d] as number) - (lo[d] as number);
        total += span > 0 && Number.isFinite(span) ? (v - (lo[d] as number)) / span : 0;
      });
    });
    return total;
  };
}

/** The default price estimator for `env`: the environment's own prices when it offers them (FaaSConf: eq. 2), else the resource proxy. */
export function defaultPriceFor(env: AnyEnv, layout: ActionLayout): { priceOf: (joint: JointAction) => number; model: string } {
  const priced = pricedEnvOf(env);
  if (priced) return { priceOf: (joint) => priced.priceOf(joint), model: priced.priceModel };
  return { priceOf: resourceProxyPrice(layout), model: 'resource-proxy' };
}
