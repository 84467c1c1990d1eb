/**
 * The contract every learner and baseline policy implements. Agents know only
 * environments' spaces (never clusters); `train`/`evaluate` drive them.
 *
 * - A `single` agent acts on one observation and returns one action. It runs on
 *   a ParallelEnv through `CentralizedEnv` (concatenated observations, joint action).
 * - A `multi` agent acts on `{agent: obs}` and returns `{agent: action}`. It runs
 *   on a single-agent Env as one agent through `SingleAgentAsParallel`.
 */
import type { AnyEnv, Info } from '../src/core/env.js';

export interface ActOptions {
  /** Explore (training) or act greedily (evaluation). */
  explore: boolean;
}

export interface SingleTransition {
  obs: unknown;
  action: unknown;
  reward: number;
  nextObs: unknown;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

export interface MultiTransition {
  obs: Record<string, unknown>;
  actions: Record<string, unknown>;
  rewards: Record<string, number>;
  nextObs: Record<string, unknown>;
  terminations: Record<string, boolean>;
  truncations: Record<string, boolean>;
  infos: Record<string, Info>;
  /** Global state before and after (when the env has `state()`), for centralised critics. */
  state?: number[];
  nextState?: number[];
}

/** Named scalar losses of one update (e.g. `{ q: 0.12 }`). */
export type Losses = Record<string, number>;

export interface Agent {
  /** CLI name (`dqn`, `ppo`, …). */
  readonly name: string;
  readonly kind: 'single' | 'multi';
  act(obs: unknown, opts: ActOptions): Promise<unknown>;
  observe(transition: SingleTransition | MultiTransition): void;
  /** Learn from what was observed; `null` when it is not yet time to update. */
  update(): Promise<Losses | null>;
  /** Hyperparameters as saved with checkpoints (enough to rebuild the agent). */
  readonly hyperparameters: Record<string, unknown>;
  /** Save weights, optimizer state and hyperparameters atomically into `dir`. */
  save(dir: string): Promise<string>;
  load(dir: string): Promise<void>;
  /** Release tensors. Safe to call twice. */
  dispose(): void;
}

/** How the CLI and the zoo build an agent. */
export interface AgentFactory {
  name: string;
  kind: 'single' | 'multi';
  description: string;
  /** `null` when the agent can run on `env` (after kind adaptation), else the reason it cannot. */
  supports(env: AnyEnv): string | null;
  create(env: AnyEnv, options: Record<string, unknown>, seed: number): Promise<Agent>;
  /**
   * The option through which the agent learns the run's step budget (e.g.
   * `totalSteps`, the horizon of DQN's ε schedule): `faasgym train` fills it
   * with `--steps` unless an options layer set it.
   */
  trainingBudgetOption?: string;
  /** Whose zoo entries (`configs/zoo/<zooAgent>.yaml`) the run uses; @default `name` (a wrapper names its inner learner). */
  zooAgent?: string;
}
