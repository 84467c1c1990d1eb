/**
 * On-policy rollout storage for PPO with generalised advantage estimation
 * (Schulman et al. 2016): A_t = Σ (γλ)^k δ_{t+k}, δ_t = r_t + γ V(s_{t+1})(1 − done) − V(s_t).
 */
import { ConfigError, quote } from '../core/errors.js';

export interface RolloutStep {
  obs: ArrayLike<number>;
  action: ArrayLike<number> | number;
  logProb: number;
  value: number;
  reward: number;
  /** The episode ended after this step by termination (no bootstrap). */
  terminated: boolean;
  /** The episode ended after this step by truncation (bootstrap from `nextValue`). */
  truncated: boolean;
  /** V(next obs), needed when truncated. */
  nextValue?: number;
  /** Extra per-step data a policy needs again at update time (e.g. a validity mask). */
  extra?: ArrayLike<number>;
}

export class RolloutBuffer {
  readonly steps: RolloutStep[] = [];

  add(step: RolloutStep): void {
    this.steps.push(step);
  }

  get size(): number {
    return this.steps.length;
  }

  clear(): void {
    this.steps.length = 0;
  }

  /** The steps as JSON (arrays for typed arrays; float32 and float64 values survive exactly), for a checkpoint. */
  snapshot(): Record<string, unknown>[] {
    const arr = (x: ArrayLike<number> | number | undefined): unknown => (x === undefined || typeof x === 'number' ? x : Array.from(x));
    return this.steps.map((st) => ({ ...st, obs: arr(st.obs), action: arr(st.action), ...(st.extra !== undefined ? { extra: arr(st.extra) } : {}) }));
  }

  /** Replace the steps with a `snapshot()`; `where` names the source in errors. */
  restore(steps: unknown, where: string): void {
    if (!Array.isArray(steps)) throw new ConfigError(`${where}: rollout steps must be an array, got ${quote(steps)}`);
    const ok = (st: Record<string, unknown>): boolean =>
      Array.isArray(st.obs) && (typeof st.action === 'number' || Array.isArray(st.action)) && ['logProb', 'value', 'reward'].every((k) => Number.isFinite(st[k])) && typeof st.terminated === 'boolean' && typeof st.truncated === 'boolean';
    for (const st of steps) if (st === null || typeof st !== 'object' || !ok(st as Record<string, unknown>)) throw new ConfigError(`${where}: a rollout step needs obs, action, logProb, value, reward, terminated and truncated, got ${quote(st)}`);
    this.steps.length = 0;
    this.steps.push(...(steps as RolloutStep[]));
  }

  /** Advantages and returns (advantage + value), given V of the observation after the last step. */
  computeGae(lastValue: number, gamma: number, lambda: number): { advantages: Float32Array; returns: Float32Array } {
    const n = this.steps.length;
    const advantages = new Float32Array(n);
    const returns = new Float32Array(n);
    let gae = 0;
    for (let t = n - 1; t >= 0; t--) {
      const s = this.steps[t] as RolloutStep;
      let nextValue: number;
      if (s.terminated) nextValue = 0;
      else if (s.truncated) nextValue = s.nextValue ?? 0;
      else nextValue = t === n - 1 ? lastValue : (this.steps[t + 1] as RolloutStep).value;
      const delta = s.reward + gamma * nextValue - s.value;
      const episodeEnds = s.terminated || s.truncated;
      gae = delta + (episodeEnds ? 0 : gamma * lambda * gae);
      advantages[t] = gae;
      returns[t] = gae + s.value;
    }
    return { advantages, returns };
  }
}
