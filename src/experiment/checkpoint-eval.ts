/**
 * Evaluate a saved checkpoint: rebuild the agent it names (manifest.agent, from
 * its saved hyperparameters, through the agent registry), load its weights and
 * run greedy episodes. Used by `faasgym eval`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import '../../agents/index.js'; // registers the built-in agents
import { getAgentFactory } from '../../agents/registry.js';
import { ConfigError, quote } from '../core/errors.js';
import { CheckpointError, loadCheckpoint } from '../nn/checkpoint.js';
import { initTf } from '../nn/tf.js';
import { make } from '../registry/index.js';
import { evaluate, type EvaluationResult } from './train.js';
import { closeOnSignal } from './close-on-signal.js';

/** A checkpoint directory (with latest.json or manifest.json), or a run directory holding `checkpoint/`. */
export function resolveCheckpointDir(dir: string): string {
  if (existsSync(join(dir, 'latest.json')) || existsSync(join(dir, 'manifest.json'))) return dir;
  const inner = join(dir, 'checkpoint');
  if (existsSync(join(inner, 'latest.json'))) return inner;
  throw new CheckpointError(`no checkpoint in ${quote(dir)} (expected latest.json, manifest.json or checkpoint/latest.json)`);
}

export interface CheckpointEvaluation extends EvaluationResult {
  agent: string;
  env: string;
  /** The checkpoint subdirectory that was loaded. */
  checkpoint: string;
}

/** Load the checkpoint in `dir` into a fresh agent and evaluate it on `env` (default: the env it was trained on). */
export async function evaluateCheckpoint(
  dir: string,
  opts: { env?: string; envConfig?: Record<string, unknown>; episodes?: number; seed?: number } = {},
): Promise<CheckpointEvaluation> {
  await initTf();
  const ckptDir = resolveCheckpointDir(dir);
  const { manifest, path } = loadCheckpoint(ckptDir);
  const envId = opts.env ?? manifest.env;
  if (typeof envId !== 'string') throw new ConfigError(`the checkpoint ${path} does not name its environment: pass --env`);
  const factory = getAgentFactory(manifest.agent);
  const env = closeOnSignal(make(envId, opts.envConfig)); // a SIGINT/SIGTERM closes it (restores a real cluster)
  try {
    const why = factory.supports(env);
    if (why) throw new ConfigError(`${manifest.agent} cannot run on ${envId}: ${why}`);
    const seed = typeof manifest.extra.seed === 'number' ? manifest.extra.seed : 0;
    const agent = await factory.create(env, manifest.hyperparameters, seed);
    try {
      await agent.load(ckptDir);
      const result = await evaluate(env, agent, { episodes: opts.episodes ?? 10, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
      return { ...result, agent: manifest.agent, env: envId, checkpoint: path };
    } finally {
      agent.dispose();
    }
  } finally {
    await env.close();
  }
}
