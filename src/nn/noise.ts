/** Exploration noise for continuous actions, drawn from the run's Rng. */
import type { Rng } from '../core/rng.js';

export interface Noise {
  sample(rng: Rng): Float64Array;
  reset(): void;
}

/** Independent N(0, σ²) per dimension. */
export class GaussianNoise implements Noise {
  constructor(readonly dim: number, readonly sigma: number) {}
  sample(rng: Rng): Float64Array {
    const out = new Float64Array(this.dim);
    for (let i = 0; i < this.dim; i++) out[i] = rng.normal(0, this.sigma);
    return out;
  }
  reset(): void {}
}

/** Ornstein–Uhlenbeck process dx = θ(μ − x)dt + σ√dt·N(0, 1) (as in the DDPG paper: θ 0.15, σ 0.2). */
export class OrnsteinUhlenbeckNoise implements Noise {
  private x: Float64Array;
  constructor(readonly dim: number, readonly sigma = 0.2, readonly theta = 0.15, readonly dt = 1e-2, readonly mu = 0) {
    this.x = new Float64Array(dim).fill(mu);
  }
  sample(rng: Rng): Float64Array {
    for (let i = 0; i < this.dim; i++) {
      const xi = this.x[i] as number;
      this.x[i] = xi + this.theta * (this.mu - xi) * this.dt + this.sigma * Math.sqrt(this.dt) * rng.normal();
    }
    return Float64Array.from(this.x);
  }
  reset(): void {
    this.x.fill(this.mu);
  }
}
