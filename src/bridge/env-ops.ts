/**
 * What the bridge does with one environment, wherever it lives (in process or
 * in its worker thread, host.ts): build it with the `make` options of protocol
 * version 2, describe its spaces, and run reset / step / state / adjacency,
 * each returning the JSON text of the reply's result.
 */
import { isParallelEnv, type AnyEnv, type Env, type EnvSpecInfo, type ParallelEnv } from '../core/env.js';
import { ConfigError, InvalidActionError, quote } from '../core/errors.js';
import { ClipAction } from '../core/wrappers/clip-action.js';
import { NormalizeObservation } from '../core/wrappers/normalize-observation.js';
import { RescaleAction } from '../core/wrappers/rescale-action.js';
import type { Registry } from '../registry/index.js';
import type { Space } from '../spaces/space.js';
import { encodeResult, objectArg, ProtocolError, seedArg, toWire, type Args } from './protocol.js';

/** A wrapper `make` may apply, innermost first (single-agent environments only). */
export type WrapperSpec =
  | { type: 'ClipAction' }
  | { type: 'RescaleAction'; min: number | number[]; max: number | number[] }
  | { type: 'NormalizeObservation'; epsilon?: number };

/** `make`'s `options` (protocol version 2). */
export interface MakeArgsOptions {
  /** Override the registered episode length; `null`: no time limit. */
  maxEpisodeSteps?: number | null;
  wrappers?: WrapperSpec[];
}

/** What the server asks of a worker's direct endpoint (env-worker.ts): the loopback host to listen on, the handle it serves, the frame limit. */
export interface DirectInit {
  host: string;
  handle: string;
  maxMessageBytes: number;
}

/** A host request: everything but `make` and `close`. */
export type HostRequest =
  | { cmd: 'reset'; seed?: number; options?: Record<string, unknown> }
  | { cmd: 'step'; action?: unknown; actions?: Record<string, unknown> }
  | { cmd: 'state' }
  | { cmd: 'adjacency' };

const WRAPPER_KEYS: Record<string, readonly string[]> = {
  ClipAction: ['type'],
  RescaleAction: ['type', 'min', 'max'],
  NormalizeObservation: ['type', 'epsilon'],
};

/** Validate `make`'s `options` argument (wire data: every field checked, nothing else accepted). */
export function parseMakeOptions(value: unknown): MakeArgsOptions {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtocolError(`make: args.options must be an object, got ${quote(value, 60)}`);
  const o = value as Record<string, unknown>;
  const out: MakeArgsOptions = {};
  for (const key of Object.keys(o)) {
    if (key !== 'maxEpisodeSteps' && key !== 'wrappers') throw new ProtocolError(`make: unknown option ${quote(key, 60)} (expected maxEpisodeSteps, wrappers)`);
  }
  if (o.maxEpisodeSteps !== undefined) {
    const m = o.maxEpisodeSteps;
    if (m !== null && (typeof m !== 'number' || !Number.isSafeInteger(m) || m < 1 || m > 1e9)) {
      throw new ConfigError(`make: options.maxEpisodeSteps must be an integer in [1, 1e9] or null, got ${quote(m, 60)}`);
    }
    out.maxEpisodeSteps = m as number | null;
  }
  if (o.wrappers !== undefined) {
    if (!Array.isArray(o.wrappers) || o.wrappers.length > 8) throw new ConfigError(`make: options.wrappers must be an array of at most 8 wrappers, got ${quote(o.wrappers, 60)}`);
    out.wrappers = o.wrappers.map((w: unknown, i: number) => {
      const where = `make: options.wrappers[${i}]`;
      const type = (w as { type?: unknown } | null)?.type;
      if (typeof w !== 'object' || w === null || typeof type !== 'string' || !Object.hasOwn(WRAPPER_KEYS, type)) {
        throw new ConfigError(`${where} must be {type: "ClipAction" | "RescaleAction" | "NormalizeObservation", ...}, got ${quote(w, 60)}`);
      }
      const allowed = WRAPPER_KEYS[type] as readonly string[];
      for (const k of Object.keys(w)) if (!allowed.includes(k)) throw new ConfigError(`${where}: unknown field ${quote(k, 60)} for ${type} (expected ${allowed.join(', ')})`);
      const spec = w as Record<string, unknown>;
      if (type === 'RescaleAction') {
        for (const k of ['min', 'max']) {
          const v = spec[k];
          const ok = typeof v === 'number' || (Array.isArray(v) && v.length <= 4096 && v.every((x) => typeof x === 'number'));
          if (!ok) throw new ConfigError(`${where}.${k} must be a number or an array of numbers, got ${quote(v, 60)}`);
        }
        return { type, min: spec.min as number | number[], max: spec.max as number | number[] };
      }
      if (type === 'NormalizeObservation') {
        if (spec.epsilon !== undefined && typeof spec.epsilon !== 'number') throw new ConfigError(`${where}.epsilon must be a number, got ${quote(spec.epsilon, 60)}`);
        return spec.epsilon === undefined ? { type } : { type, epsilon: spec.epsilon as number };
      }
      return { type: 'ClipAction' };
    });
  }
  return out;
}

/** `registry.make` with the `make` options applied (wrappers only on single-agent environments). */
export function buildEnv(registry: Registry, envId: string, config: Record<string, unknown>, options: MakeArgsOptions): AnyEnv {
  const env = registry.make(envId, config, options.maxEpisodeSteps !== undefined ? { maxEpisodeSteps: options.maxEpisodeSteps } : {});
  const wrappers = options.wrappers ?? [];
  if (wrappers.length === 0) return env;
  if (isParallelEnv(env)) {
    void env.close();
    throw new ConfigError(`make ${envId}: options.wrappers apply to single-agent environments; ${envId} is parallel`);
  }
  const spec = env.spec;
  let wrapped = env as Env<unknown, unknown>;
  try {
    for (const w of wrappers) {
      if (w.type === 'ClipAction') wrapped = new ClipAction(wrapped as Env<unknown, number[]>) as Env<unknown, unknown>;
      else if (w.type === 'RescaleAction') wrapped = new RescaleAction(wrapped as Env<unknown, number[]>, w.min, w.max) as Env<unknown, unknown>;
      else wrapped = new NormalizeObservation(wrapped as Env<number[], unknown>, w.epsilon !== undefined ? { epsilon: w.epsilon } : {}) as Env<unknown, unknown>;
    }
  } catch (err) {
    void env.close();
    throw err instanceof ConfigError ? new ConfigError(`make ${envId}: ${err.message}`) : err;
  }
  if (spec !== undefined) wrapped.spec = spec;
  return wrapped;
}

/** The `make` result without the handle (also the `spaces` result). */
export function describe(env: AnyEnv, envId: string): Record<string, unknown> {
  const spec: EnvSpecInfo = env.spec ?? { id: envId, kind: isParallelEnv(env) ? 'parallel' : 'single', nondeterministic: false };
  const specJson = {
    id: spec.id,
    ...(spec.maxEpisodeSteps !== undefined ? { maxEpisodeSteps: spec.maxEpisodeSteps } : {}),
    ...(spec.rewardThreshold !== undefined ? { rewardThreshold: spec.rewardThreshold } : {}),
    nondeterministic: spec.nondeterministic,
  };
  if (isParallelEnv(env)) {
    const agents = [...env.possibleAgents];
    const observationSpaces: Record<string, unknown> = {};
    const actionSpaces: Record<string, unknown> = {};
    for (const a of agents) {
      observationSpaces[a] = env.observationSpace(a).toJSON();
      actionSpaces[a] = env.actionSpace(a).toJSON();
    }
    return {
      kind: 'parallel',
      agents,
      observationSpaces,
      actionSpaces,
      spec: specJson,
      hasState: typeof env.state === 'function',
      hasAdjacency: typeof env.adjacency === 'function',
    };
  }
  return { kind: 'single', observationSpace: env.observationSpace.toJSON(), actionSpace: env.actionSpace.toJSON(), spec: specJson };
}

/** Run one request on `env`; the JSON text of its result. */
export async function runOnEnv(env: AnyEnv, envId: string, req: HostRequest): Promise<string> {
  switch (req.cmd) {
    case 'reset': {
      const r = await env.reset({ ...(req.seed !== undefined ? { seed: req.seed } : {}), ...(req.options !== undefined ? { options: req.options } : {}) });
      return encodeResult({ obs: toWire(r.obs), info: toWire(r.info) });
    }
    case 'step': {
      if (isParallelEnv(env)) {
        const penv = env as ParallelEnv<string, unknown, unknown>;
        const actions = req.actions as Record<string, unknown>;
        checkParallelActions(penv, actions);
        const r = await penv.step(actions);
        return encodeResult({ obs: toWire(r.obs), rewards: r.rewards, terminations: r.terminations, truncations: r.truncations, infos: toWire(r.infos), agents: penv.agents });
      }
      const senv = env as Env<unknown, unknown>;
      const space: Space<unknown> = senv.actionSpace;
      space.assertContains(req.action);
      const r = await senv.step(req.action);
      return encodeResult({ obs: toWire(r.obs), reward: r.reward, terminated: r.terminated, truncated: r.truncated, info: toWire(r.info) });
    }
    case 'state':
    case 'adjacency': {
      const penv = isParallelEnv(env) ? (env as ParallelEnv<string, unknown, unknown>) : undefined;
      const fn = penv?.[req.cmd] as (() => unknown) | undefined;
      if (penv === undefined || typeof fn !== 'function') {
        throw new ConfigError(`${req.cmd}: ${envId} ${penv !== undefined ? `does not provide ${req.cmd}()` : 'is a single-agent environment'}`);
      }
      return encodeResult({ [req.cmd]: toWire(fn.call(penv)) });
    }
  }
}

/** One action per live agent, each in its space, and no other agent (as `BaseParallelEnv` checks). */
function checkParallelActions(env: ParallelEnv<string, unknown, unknown>, actions: Record<string, unknown>): void {
  const live = env.agents;
  if (live.length === 0) return; // the environment raises ResetNeededError
  for (const agent of Object.keys(actions)) {
    if (!live.includes(agent)) throw new InvalidActionError(`action for ${quote(agent, 60)}, which is not a live agent (live: ${quote(live)})`);
  }
  for (const agent of live) {
    if (!Object.hasOwn(actions, agent)) throw new InvalidActionError(`missing action for live agent ${quote(agent, 60)}`);
    const space: Space<unknown> = env.actionSpace(agent);
    space.assertContains(actions[agent], `action for ${agent}`);
  }
}

/** The host request of a `step` (or a `steps` entry): `action` for single-agent handles, `actions` keyed by agent for parallel ones. */
export function stepRequest(kind: 'single' | 'parallel', envId: string, args: Args, where: string): HostRequest {
  if (kind === 'parallel') {
    if (!('actions' in args)) throw new ProtocolError(`${where}${envId} is a parallel environment: send args.actions, an object keyed by agent`);
    if ('action' in args) throw new ProtocolError(`${where}send either args.action or args.actions, not both`);
    const actions = args.actions;
    if (typeof actions !== 'object' || actions === null || Array.isArray(actions)) {
      throw new ProtocolError(`${where}args.actions must be an object keyed by agent, got ${quote(actions, 60)}`);
    }
    return { cmd: 'step', actions: actions as Record<string, unknown> };
  }
  if (!('action' in args)) throw new ProtocolError(`${where}${envId} is a single-agent environment: send args.action`);
  if ('actions' in args) throw new ProtocolError(`${where}send either args.action or args.actions, not both`);
  return { cmd: 'step', action: args.action };
}

/** The host request of a `reset` from its wire arguments. */
export function resetRequest(args: Args): HostRequest {
  const seed = seedArg('reset', args);
  const options = objectArg('reset', args, 'options');
  return { cmd: 'reset', ...(seed !== undefined ? { seed } : {}), ...(options !== undefined ? { options } : {}) };
}
