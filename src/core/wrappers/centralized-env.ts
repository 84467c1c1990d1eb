import { ConfigError, ResetNeededError, quote } from '../errors.js';
import { isParallelEnv, type AnyEnv, type Env, type EnvSpecInfo, type Info, type ParallelEnv, type ResetOptions, type ResetResult, type StepResult } from '../env.js';
import { Box } from '../../spaces/box.js';
import { Tuple } from '../../spaces/composite.js';
import { Discrete } from '../../spaces/discrete.js';
import { flatten, flatdim, flattenSpace } from '../../spaces/flatten.js';
import { MultiDiscrete } from '../../spaces/multi-discrete.js';
import { isSpace, type Space } from '../../spaces/space.js';

export interface CentralizedEnvOptions {
  /** How the live agents' rewards of one step combine into the single reward: their mean or their sum. @default 'mean' */
  rewardReduction?: 'mean' | 'sum';
}

/** How a joint action was built from the agents' action spaces. */
export type JointActionKind = 'box' | 'multi-discrete' | 'tuple';

const REDUCTIONS = ['mean', 'sum'] as const;

/**
 * A single-agent `Env` over a `ParallelEnv`, so that single-agent learners can
 * control all agents of a multi-agent environment at once (a centralised
 * controller).
 *
 * - Observation: the concatenation of `flatten(observationSpace(agent), obs[agent])`
 *   for every agent in `possibleAgents` order; `observationSpace` is the Box of
 *   the concatenated `flattenSpace` bounds. An agent that has left the episode
 *   keeps its last observation (an agent absent at reset shows 0 clamped into
 *   its bounds).
 * - Action: when every agent's action space is a Box, one Box concatenating
 *   their bounds (dtype shared, or float64 when they differ); when every one is
 *   Discrete or MultiDiscrete, one MultiDiscrete concatenating `nvec`/`start`
 *   (a Discrete agent receives a number); otherwise a Tuple of the agents'
 *   spaces. The joint action is split back per agent; the slices of agents
 *   that have left are validated with the rest but ignored. An action outside
 *   the joint space throws `InvalidActionError`.
 * - Reward: the mean (or sum) of the rewards of the agents live at that step.
 * - `terminated`: every agent of the episode has terminated; `truncated`: the
 *   episode is over (no live agent left) without that.
 * - Info: `{ agents: <per-agent infos> }` (plus `seed` on reset when the inner
 *   env reports one).
 */
export class CentralizedEnv<Id extends string = string> implements Env<number[], unknown[]> {
  readonly observationSpace: Box;
  readonly actionSpace: Space<unknown[]>;
  readonly jointActionKind: JointActionKind;
  readonly rewardReduction: 'mean' | 'sum';
  spec?: EnvSpecInfo;
  /** Global state of the inner env, when it has one. */
  state?: () => number[];
  /** Agent topology of the inner env, when it has one. */
  adjacency?: () => number[][];

  private readonly order: readonly Id[];
  private readonly index = new Map<Id, number>();
  private readonly obsSpaces: Space<unknown>[] = [];
  private readonly actSpaces: Space<unknown>[] = [];
  private readonly obsOffsets: number[] = [];
  private readonly split: ((joint: unknown[]) => unknown)[] = [];
  private lastObs: number[] = [];
  private episodeAgents: Id[] = [];
  private readonly terminatedAgents = new Set<Id>();
  private needsReset = true;
  private closed = false;

  constructor(readonly env: ParallelEnv<Id, unknown, unknown>, options: CentralizedEnvOptions = {}) {
    if (!isParallelEnv(env)) throw new ConfigError(`CentralizedEnv needs a ParallelEnv (with possibleAgents and per-agent spaces), got ${quote(env)}`);
    if (typeof options !== 'object' || options === null) throw new ConfigError(`CentralizedEnv options must be an object, got ${quote(options)}`);
    const reduction = options.rewardReduction ?? 'mean';
    if (!REDUCTIONS.includes(reduction)) {
      throw new ConfigError(`CentralizedEnv rewardReduction must be one of ${quote(REDUCTIONS)}, got ${quote(reduction)}`);
    }
    this.rewardReduction = reduction;
    const agents = env.possibleAgents;
    if (!Array.isArray(agents) || agents.length === 0) throw new ConfigError(`CentralizedEnv needs at least one possible agent, got ${quote(agents)}`);
    this.order = [...agents];
    let offset = 0;
    this.order.forEach((agent, i) => {
      if (this.index.has(agent)) throw new ConfigError(`CentralizedEnv: possibleAgents lists ${quote(agent)} twice`);
      this.index.set(agent, i);
      const obsSpace: unknown = env.observationSpace(agent);
      const actSpace: unknown = env.actionSpace(agent);
      if (!isSpace(obsSpace)) throw new ConfigError(`CentralizedEnv: observation space of ${quote(agent)} is not a space: ${quote(obsSpace)}`);
      if (!isSpace(actSpace)) throw new ConfigError(`CentralizedEnv: action space of ${quote(agent)} is not a space: ${quote(actSpace)}`);
      this.obsSpaces.push(obsSpace);
      this.actSpaces.push(actSpace);
      this.obsOffsets.push(offset);
      try {
        offset += flatdim(obsSpace);
      } catch (err) {
        throw new ConfigError(`CentralizedEnv cannot flatten the observation space of ${quote(agent)}: ${(err as Error).message}`, { cause: err });
      }
    });
    this.observationSpace = flattenSpace(new Tuple(this.obsSpaces));
    [this.actionSpace, this.jointActionKind] = this.jointSpace();
    if (env.state) this.state = () => (env.state as () => number[]).call(env);
    if (env.adjacency) this.adjacency = () => (env.adjacency as () => number[][]).call(env);
  }

  async reset(opts?: ResetOptions): Promise<ResetResult<number[]>> {
    const result = await this.env.reset(opts);
    const { low, high } = this.observationSpace;
    this.lastObs = low.map((lo, i) => Math.min(Math.max(0, lo), high[i] as number));
    for (const agent of this.order) {
      if (agent in result.obs) this.writeObs(agent, result.obs[agent]);
    }
    this.episodeAgents = [...this.env.agents];
    this.terminatedAgents.clear();
    this.needsReset = false;
    const info: Info = { agents: result.info };
    for (const agent of this.order) {
      const seed = (result.info?.[agent] as Info | undefined)?.seed;
      if (typeof seed === 'number') {
        info.seed = seed;
        break;
      }
    }
    return { obs: [...this.lastObs], info };
  }

  async step(action: unknown[]): Promise<StepResult<number[]>> {
    if (this.needsReset) {
      throw new ResetNeededError(`CentralizedEnv: call reset() before step()${this.closed ? ' (the environment was closed)' : ''}`);
    }
    this.actionSpace.assertContains(action);
    const live = [...this.env.agents];
    const actions = {} as Record<Id, unknown>;
    for (const agent of live) {
      const i = this.index.get(agent);
      if (i === undefined) throw new ConfigError(`CentralizedEnv: live agent ${quote(agent)} is not in possibleAgents ${quote(this.order)}`);
      const own = (this.split[i] as (joint: unknown[]) => unknown)(action);
      const space: Space<unknown> = this.actSpaces[i] as Space<unknown>;
      space.assertContains(own, `action for ${agent}`);
      actions[agent] = own;
    }
    const result = await this.env.step(actions);
    for (const agent of Object.keys(result.obs) as Id[]) {
      if (this.index.has(agent)) this.writeObs(agent, result.obs[agent]);
    }
    let total = 0;
    let count = 0;
    for (const agent of live) {
      const r = result.rewards[agent];
      if (typeof r === 'number') {
        total += r;
        count += 1;
      }
      if (result.terminations[agent]) this.terminatedAgents.add(agent);
    }
    const reward = this.rewardReduction === 'sum' ? total : count > 0 ? total / count : 0;
    const terminated = this.episodeAgents.every((agent) => this.terminatedAgents.has(agent));
    const truncated = !terminated && this.env.agents.length === 0;
    if (terminated || truncated) this.needsReset = true;
    return { obs: [...this.lastObs], reward, terminated, truncated, info: { agents: result.infos } };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.needsReset = true;
    await this.env.close();
  }

  private writeObs(agent: Id, obs: unknown): void {
    const i = this.index.get(agent) as number;
    const flat = flatten(this.obsSpaces[i] as Space<unknown>, obs);
    const at = this.obsOffsets[i] as number;
    for (let k = 0; k < flat.length; k++) this.lastObs[at + k] = flat[k] as number;
  }

  private jointSpace(): [Space<unknown[]>, JointActionKind] {
    const spaces = this.actSpaces;
    if (spaces.every((s) => s instanceof Box)) {
      const boxes = spaces as Box[];
      const low: number[] = [];
      const high: number[] = [];
      let offset = 0;
      for (const box of boxes) {
        low.push(...box.low);
        high.push(...box.high);
        const at = offset, size = box.size;
        this.split.push((joint) => Array.from({ length: size }, (_, k) => joint[at + k]));
        offset += size;
      }
      const dtype = boxes.every((b) => b.dtype === (boxes[0] as Box).dtype) ? (boxes[0] as Box).dtype : 'float64';
      return [new Box({ low, high, shape: [low.length], dtype }) as Space<unknown[]>, 'box'];
    }
    if (spaces.every((s) => s instanceof Discrete || s instanceof MultiDiscrete)) {
      const nvec: number[] = [];
      const start: number[] = [];
      for (const space of spaces as (Discrete | MultiDiscrete)[]) {
        const at = nvec.length;
        if (space instanceof Discrete) {
          nvec.push(space.n);
          start.push(space.start);
          this.split.push((joint) => joint[at]);
        } else {
          nvec.push(...space.nvec);
          start.push(...space.start);
          const size = space.nvec.length;
          this.split.push((joint) => Array.from({ length: size }, (_, k) => joint[at + k]));
        }
      }
      return [new MultiDiscrete(nvec, start) as Space<unknown[]>, 'multi-discrete'];
    }
    spaces.forEach((_, i) => this.split.push((joint) => joint[i]));
    return [new Tuple(spaces), 'tuple'];
  }
}

/**
 * The single-agent view of any environment: a ParallelEnv through
 * `CentralizedEnv` (one flat joint observation and action), an Env as it is.
 * What every single-agent learner and baseline trains or acts on.
 */
export function singleView(env: AnyEnv): Env<unknown, unknown> {
  return (isParallelEnv(env) ? new CentralizedEnv(env as ParallelEnv<string, unknown, unknown>) : env) as Env<unknown, unknown>;
}
