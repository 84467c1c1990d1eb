import type { Space } from '../spaces/space.js';

/** Auxiliary diagnostic information returned by `reset` and `step`. */
export type Info = Record<string, unknown>;

export interface ResetOptions {
  /** Re-seed the environment's generator; without it the stream continues (or, on the first reset, an entropy seed is drawn and reported in `info.seed`). */
  seed?: number;
  /** Environment-specific reset options. */
  options?: Record<string, unknown>;
}

export interface ResetResult<O> {
  obs: O;
  info: Info;
}

export interface StepResult<O> {
  obs: O;
  reward: number;
  /** The episode reached a terminal state of the MDP. */
  terminated: boolean;
  /** The episode was cut short (time limit, external reason); the state is not terminal. */
  truncated: boolean;
  info: Info;
}

/** Registry metadata attached to environments created by `make`. */
export interface EnvSpecInfo {
  id: string;
  maxEpisodeSteps?: number;
  rewardThreshold?: number;
  nondeterministic: boolean;
  kind: 'single' | 'parallel';
}

/** A single-agent environment, Gymnasium's API with async `reset`/`step`/`close`. */
export interface Env<O = unknown, A = unknown> {
  readonly observationSpace: Space<O>;
  readonly actionSpace: Space<A>;
  /** Set by `make`. */
  spec?: EnvSpecInfo;
  reset(opts?: ResetOptions): Promise<ResetResult<O>>;
  /** Throws `InvalidActionError` for an action outside `actionSpace`, `ResetNeededError` before `reset`. */
  step(action: A): Promise<StepResult<O>>;
  /** Release resources; safe to call twice. */
  close(): Promise<void>;
}

export interface ParallelResetResult<Id extends string, O> {
  obs: Record<Id, O>;
  info: Record<Id, Info>;
}

export interface ParallelStepResult<Id extends string, O> {
  obs: Record<Id, O>;
  rewards: Record<Id, number>;
  terminations: Record<Id, boolean>;
  truncations: Record<Id, boolean>;
  infos: Record<Id, Info>;
}

/**
 * A multi-agent environment with PettingZoo's parallel API: all live agents act
 * at once. `agents` holds the live agents and shrinks as agents terminate or are
 * truncated; the episode is over when it is empty.
 */
export interface ParallelEnv<Id extends string = string, O = unknown, A = unknown> {
  readonly possibleAgents: readonly Id[];
  readonly agents: readonly Id[];
  observationSpace(agent: Id): Space<O>;
  actionSpace(agent: Id): Space<A>;
  /** Global state for centralised critics. */
  state?(): number[];
  /** Workflow topology (possibleAgents × possibleAgents, 0/1), for mean-field and attention agents. */
  adjacency?(): number[][];
  spec?: EnvSpecInfo;
  reset(opts?: ResetOptions): Promise<ParallelResetResult<Id, O>>;
  /** `actions` holds one action per live agent. */
  step(actions: Record<Id, A>): Promise<ParallelStepResult<Id, O>>;
  close(): Promise<void>;
}

export type AnyEnv = Env<unknown, unknown> | ParallelEnv<string, unknown, unknown>;

/** True for PettingZoo-style parallel environments. */
export function isParallelEnv(env: unknown): env is ParallelEnv<string, unknown, unknown> {
  return typeof env === 'object' && env !== null && 'possibleAgents' in env && typeof (env as ParallelEnv).observationSpace === 'function';
}
