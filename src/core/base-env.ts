import { ResetNeededError } from './errors.js';
import type { Env, EnvSpecInfo, Info, ResetOptions, ResetResult, StepResult } from './env.js';
import { Rng, entropySeed } from './rng.js';
import type { Space } from '../spaces/space.js';

/**
 * Base class for single-agent environments. It owns the seeded generator
 * (`this.rng`, re-seeded by `reset({seed})`), refuses `step` before `reset` or
 * after the episode ended, validates every action against `actionSpace`, and
 * makes `close()` idempotent. Subclasses implement `resetEnv` and `stepEnv`.
 */
export abstract class BaseEnv<O, A> implements Env<O, A> {
  abstract readonly observationSpace: Space<O>;
  abstract readonly actionSpace: Space<A>;
  spec?: EnvSpecInfo;
  /** The environment's only source of randomness. */
  protected rng: Rng = new Rng(0);
  private seeded = false;
  private needsReset = true;
  private closed = false;

  async reset(opts: ResetOptions = {}): Promise<ResetResult<O>> {
    let seedInfo: Info = {};
    if (opts.seed !== undefined) {
      this.rng = new Rng(opts.seed);
      this.seeded = true;
    } else if (!this.seeded) {
      const seed = entropySeed();
      this.rng = new Rng(seed);
      this.seeded = true;
      seedInfo = { seed };
    }
    const result = await this.resetEnv(opts.options ?? {});
    this.needsReset = false;
    return { obs: result.obs, info: { ...result.info, ...seedInfo } };
  }

  async step(action: A): Promise<StepResult<O>> {
    if (this.needsReset) {
      throw new ResetNeededError(`${this.constructor.name}: call reset() before step()${this.closed ? ' (the environment was closed)' : ''}`);
    }
    this.actionSpace.assertContains(action);
    const result = await this.stepEnv(action);
    if (result.terminated || result.truncated) this.needsReset = true;
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.needsReset = true;
    await this.closeEnv();
  }

  /** The generator's state, for a training run's checkpoint (see src/experiment/train.ts). */
  getRngState(): number[] {
    return this.rng.getState();
  }

  /** Put back a state from `getRngState()`; the next unseeded `reset` then starts the same episode it did. */
  setRngState(state: readonly number[]): void {
    this.rng.setState(state);
    this.seeded = true;
  }

  protected abstract resetEnv(options: Record<string, unknown>): Promise<ResetResult<O>> | ResetResult<O>;
  protected abstract stepEnv(action: A): Promise<StepResult<O>> | StepResult<O>;
  protected closeEnv(): Promise<void> | void {}
}
