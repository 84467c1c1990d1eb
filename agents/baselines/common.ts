/**
 * What every baseline policy shares: finding which environment family an env
 * belongs to (through `make`'s wrappers and the kind adapters), the policy
 * base class (no learning: `update()` is null; save/load keep the handful of
 * parameters as a JSON checkpoint with no tensors), option schemas, and the
 * factory helper that refuses an unsupported env with the reason before
 * building anything.
 *
 * Baselines are `single` agents: on a ParallelEnv (FaaSConf) they see the
 * `CentralizedEnv` view that `train`/`evaluate` build — the agents'
 * observations concatenated in `possibleAgents` order, one joint action.
 */
import { AutoscaleEnv } from '../../envs/autoscale/autoscale-env.js';
import { DarlyEnv } from '../../envs/darly/darly-env.js';
import { FaaSConfEnv } from '../../envs/faasconf/faasconf-env.js';
import { FaaSRankEnv } from '../../envs/faasrank/faasrank-env.js';
import { StepConfEnv } from '../../envs/stepconf/stepconf-env.js';
import { type AnyEnv } from '../../src/core/env.js';
import { ConfigError, quote } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { singleView } from '../../src/core/wrappers/centralized-env.js';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from '../../src/nn/checkpoint.js';
import type { ActOptions, Agent, AgentFactory, MultiTransition, SingleTransition } from '../agent.js';
import { options, parseOptions, type z } from '../option-fields.js';
import { registerAgent } from '../registry.js';

// ================================================================ ENV FAMILIES

/** The environment families baselines know, with the innermost env object of each. */
export type EnvFamily =
  | { family: 'faasrank'; env: FaaSRankEnv }
  | { family: 'autoscale'; env: AutoscaleEnv }
  | { family: 'faasconf'; env: FaaSConfEnv }
  | { family: 'stepconf'; env: StepConfEnv }
  | { family: 'darly'; env: DarlyEnv }
  | { family: 'other'; env: unknown };

export type FamilyName = EnvFamily['family'];

const FAMILY_TITLES: Record<FamilyName, string> = {
  faasrank: 'FaaSRank-v0',
  autoscale: 'Autoscale-{Vertical,Horizontal}-v0',
  faasconf: 'FaaSConf-*-v0',
  stepconf: 'StepConf-*-v0',
  darly: 'Darly-*-v0',
  other: 'other environments',
};

/**
 * The innermost environment under `make`'s wrappers (`Wrapper.env`), the kind
 * adapters (`CentralizedEnv.env`, `SingleAgentAsParallel.env`) and any other
 * wrapper that keeps its inner env in `.env`.
 */
export function innermostEnv(env: unknown): unknown {
  let x = env;
  for (let depth = 0; depth < 64; depth++) {
    if (isFamilyEnv(x)) return x;
    const inner = typeof x === 'object' && x !== null && 'env' in x ? (x as { env: unknown }).env : undefined;
    if (typeof inner !== 'object' || inner === null) return x;
    x = inner;
  }
  return x;
}

function isFamilyEnv(x: unknown): boolean {
  return x instanceof FaaSRankEnv || x instanceof AutoscaleEnv || x instanceof FaaSConfEnv || x instanceof StepConfEnv || x instanceof DarlyEnv;
}

/** Which family `env` belongs to. */
export function familyOf(env: unknown): EnvFamily {
  const inner = innermostEnv(env);
  if (inner instanceof FaaSRankEnv) return { family: 'faasrank', env: inner };
  if (inner instanceof AutoscaleEnv) return { family: 'autoscale', env: inner };
  if (inner instanceof FaaSConfEnv) return { family: 'faasconf', env: inner };
  if (inner instanceof StepConfEnv) return { family: 'stepconf', env: inner };
  if (inner instanceof DarlyEnv) return { family: 'darly', env: inner };
  return { family: 'other', env: inner };
}

/** How an env is named in messages: its registered id, else its class. */
export function envName(env: unknown): string {
  const id = (env as { spec?: { id?: unknown } } | null)?.spec?.id;
  if (typeof id === 'string') return id;
  const inner = innermostEnv(env) as { id?: unknown; settings?: { id?: unknown }; constructor?: { name?: string } } | null;
  if (typeof inner?.id === 'string') return inner.id;
  if (typeof inner?.settings?.id === 'string') return inner.settings.id;
  return inner?.constructor?.name ?? 'this environment';
}

/**
 * The refusal of an agent that runs only on `families`: null when `env` is
 * one of them, else a message naming the agent, where it runs and why.
 */
export function refuseUnless(agent: string, env: unknown, families: readonly FamilyName[], why: string): string | null {
  const f = familyOf(env);
  if (families.includes(f.family)) return null;
  const where = families.map((x) => FAMILY_TITLES[x]).join(', ');
  return `${agent} runs on ${where} only (${why}); ${envName(env)} is not one of them`;
}

/** The single-agent view `train`/`evaluate` give a `single` agent (src/core/wrappers/centralized-env.ts). */
export { singleView };

/** True when the env runs on the simulator (a real cluster cannot be replayed). */
export function onSimulator(f: EnvFamily): boolean {
  const e = f.env as { settings?: { backend?: { kind?: unknown } }; config?: { backend?: unknown } } | null;
  const backend = e?.settings?.backend ?? e?.config?.backend;
  if (backend === undefined || backend === null) return true;
  const kind = typeof backend === 'string' ? backend : (backend as { kind?: unknown }).kind;
  return kind === undefined || kind === null || kind === 'sim';
}

// ================================================================ OPTIONS

/**
 * A baseline's options are a zod schema (src/core/schema.ts) at the top of
 * its file, parsed by `baselineFactory` through `parseOptions`: unknown keys
 * (`__proto__`, `constructor` included) and bad values raise one
 * `ConfigError` in the one wording `<agent>: options.<key>: expected …, got …`.
 * A default that depends on the environment (`slotsPerInvoker`) is an
 * optional field, filled in by the agent from the env it is built on.
 */
export type BaselineSchema = z.ZodObject;

/** The schema of a baseline without options: every key is refused. */
export const NO_OPTIONS = options({});

/** The keys given with a value (an `undefined` value counts as absent, as it always did). */
function givenOptions(raw: unknown): { input: unknown; given: Set<string> } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { input: raw, given: new Set() };
  const input: Record<string, unknown> = {};
  for (const k of Object.keys(raw)) {
    const v = (raw as Record<string, unknown>)[k];
    if (v === undefined) continue;
    // A `__proto__` key (from JSON.parse) must reach the strict schema as an own key, to be refused.
    Object.defineProperty(input, k, { value: v, enumerable: true, configurable: true, writable: true });
  }
  return { input, given: new Set(Object.keys(input)) };
}

// ================================================================ THE POLICY BASE CLASS

/** A baseline policy: acts, never learns. Subclasses implement `act` and, when they keep parameters, `state`/`restore`. */
export abstract class BaselineAgent implements Agent {
  readonly kind = 'single' as const;
  readonly envId: string | null;
  /** The agent's only source of randomness, seeded at `create`. */
  protected rng: Rng;
  private disposed = false;

  constructor(readonly name: string, env: AnyEnv, readonly hyperparameters: Record<string, unknown>, seed: number) {
    this.envId = typeof env.spec?.id === 'string' ? env.spec.id : null;
    this.rng = new Rng(seed);
  }

  abstract act(obs: unknown, opts: ActOptions): Promise<unknown>;

  /** Baselines do not learn from transitions. */
  observe(_transition: SingleTransition | MultiTransition): void {}

  async update(): Promise<null> {
    return null;
  }

  /** What the policy found or keeps beyond its hyperparameters (JSON). */
  protected state(): Record<string, unknown> {
    return {};
  }

  protected restore(_state: Record<string, unknown>): void {}

  /** A JSON checkpoint (no tensors): hyperparameters, the Rng state and `state()`. */
  async save(dir: string): Promise<string> {
    return saveCheckpoint(dir, {
      agent: this.name,
      env: this.envId,
      hyperparameters: this.hyperparameters,
      extra: { rng: this.rng.getState(), state: this.state() },
      groups: {},
    });
  }

  async load(dir: string): Promise<void> {
    const ckpt = loadCheckpoint(dir);
    const m = ckpt.manifest;
    if (m.agent !== this.name) throw new CheckpointError(`${ckpt.path} holds a ${quote(m.agent)} checkpoint, not ${this.name}`);
    if (JSON.stringify(m.hyperparameters) !== JSON.stringify(this.hyperparameters)) {
      throw new CheckpointError(`${ckpt.path}: checkpoint hyperparameters ${quote(m.hyperparameters, 300)} differ from this agent's ${quote(this.hyperparameters, 300)}`);
    }
    const extra = m.extra as { rng?: unknown; state?: unknown };
    if (!Array.isArray(extra.rng)) throw new CheckpointError(`${ckpt.path}: no Rng state in the checkpoint`);
    this.rng.setState(extra.rng as number[]);
    this.restore((extra.state ?? {}) as Record<string, unknown>);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.release();
  }

  /** Undo what the agent attached to its env (the Oracle's reset listener). */
  protected release(): void {}
}

// ================================================================ FACTORIES

export interface BaselineSpec<S extends BaselineSchema = BaselineSchema> {
  name: string;
  description: string;
  /** The options: type, bounds, default and its source per field (the tables of docs/agents/baselines.md). */
  schema: S;
  supports(env: AnyEnv): string | null;
  /** Build the agent from the parsed options; `given` names the options the caller set (for rules between fields). */
  build(env: AnyEnv, options: z.output<S>, seed: number, given: ReadonlySet<string>): Promise<Agent> | Agent;
}

/** The options schemas of the registered baselines, in registration order (for the generated docs). */
const SCHEMAS: { name: string; schema: BaselineSchema }[] = [];

/** Every registered baseline's options schema, the baselines that share one grouped: `names` in registration order. */
export function baselineOptionSchemas(): { names: string[]; schema: BaselineSchema }[] {
  const out: { names: string[]; schema: BaselineSchema }[] = [];
  for (const { name, schema } of SCHEMAS) {
    const same = out.find((o) => o.schema === schema);
    if (same) same.names.push(name);
    else out.push({ names: [name], schema });
  }
  return out;
}

/** An `AgentFactory` whose `create` refuses an unsupported env with `supports`' reason and parses the options with the spec's schema. */
export function baselineFactory<S extends BaselineSchema>(spec: BaselineSpec<S>): AgentFactory {
  return {
    name: spec.name,
    kind: 'single',
    description: spec.description,
    supports: spec.supports,
    async create(env, options, seed) {
      const why = spec.supports(env);
      if (why !== null) throw new ConfigError(why);
      if (!Number.isSafeInteger(seed) || seed < 0) throw new ConfigError(`${spec.name}: seed must be a non-negative integer, got ${quote(seed)}`);
      const { input, given } = givenOptions(options ?? {});
      return spec.build(env, parseOptions(spec.schema, input, spec.name, 'options'), seed, given);
    },
  };
}

/** Build, register (CLI name) and return a baseline's factory. */
export function registerBaseline<S extends BaselineSchema>(spec: BaselineSpec<S>): AgentFactory {
  const factory = baselineFactory(spec);
  SCHEMAS.push({ name: spec.name, schema: spec.schema });
  registerAgent(factory);
  return factory;
}

/** Clip to [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
