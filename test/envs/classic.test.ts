import { CartPoleEnv } from '../../envs/classic/cartpole.js';
import { PendulumEnv, angleNormalize, pymod } from '../../envs/classic/pendulum.js';
import { ConfigError, InvalidActionError, ResetNeededError } from '../../src/core/errors.js';
import { makeEnv, registry } from '../../src/registry/index.js';

// ---------------------------------------------------------------------------
// Reference dynamics, written from Gymnasium's published equations (float64).
// ---------------------------------------------------------------------------

type Vec4 = [number, number, number, number];

function cartPoleRef(s: Vec4, action: number, integrator: 'euler' | 'semi-implicit euler' = 'euler'): Vec4 {
  const g = 9.8, mc = 1.0, mp = 0.1, M = mp + mc, half = 0.5, pml = mp * half, F = 10.0, tau = 0.02;
  let [x, xd, th, thd] = s;
  const f = action === 1 ? F : -F;
  const c = Math.cos(th), sn = Math.sin(th);
  // Same association as Gymnasium's expressions (`polemass_length * theta_dot**2 * sintheta`,
  // `masspole * costheta**2 / total_mass`): the system is chaotic, so a different rounding order
  // drifts visibly over hundreds of steps.
  const temp = (f + pml * thd ** 2 * sn) / M;
  const thacc = (g * sn - c * temp) / (half * (4 / 3 - (mp * c ** 2) / M));
  const xacc = temp - (pml * thacc * c) / M;
  if (integrator === 'euler') {
    x += tau * xd;
    xd += tau * xacc;
    th += tau * thd;
    thd += tau * thacc;
  } else {
    xd += tau * xacc;
    x += tau * xd;
    thd += tau * thacc;
    th += tau * thd;
  }
  return [x, xd, th, thd];
}

const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
const cartPoleOut = (s: Vec4): boolean => Math.abs(s[0]) > 2.4 || Math.abs(s[2]) > THETA_THRESHOLD;

/** Floored modulo, Python's semantics, written differently from the env's pymod. */
const floorMod = (a: number, b: number): number => a - b * Math.floor(a / b);
const normRef = (x: number): number => floorMod(x + Math.PI, 2 * Math.PI) - Math.PI;

function pendulumRef(s: [number, number], u: number, g = 10): { next: [number, number]; reward: number } {
  const [th, thd] = s;
  const uc = Math.min(2, Math.max(-2, u));
  const cost = normRef(th) ** 2 + 0.1 * thd ** 2 + 0.001 * uc ** 2;
  let nthd = thd + ((3 * g) / 2 * Math.sin(th) + 3 * uc) * 0.05;
  nthd = Math.min(8, Math.max(-8, nthd));
  return { next: [th + nthd * 0.05, nthd], reward: -cost };
}

function expectClose(actual: readonly number[], expected: readonly number[], tol: number): void {
  expect(actual).toHaveLength(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs((actual[i] as number) - (expected[i] as number));
    if (!(diff <= tol)) throw new Error(`element ${i}: ${actual[i]} vs expected ${expected[i]} (|diff| ${diff} > ${tol})`);
  }
}

const isFloat32 = (v: number): boolean => Math.fround(v) === v;

const PATTERN = [1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1];

// ---------------------------------------------------------------------------
// CartPole-v1
// ---------------------------------------------------------------------------

describe('CartPole-v1', () => {
  test('spaces match Gymnasium', () => {
    const env = new CartPoleEnv();
    expect(env.actionSpace.toJSON()).toEqual({ type: 'Discrete', n: 2, start: 0 });
    const obs = env.observationSpace;
    expect(obs.dtype).toBe('float32');
    expect(obs.shape).toEqual([4]);
    const thr2 = Math.fround((12 * 2 * Math.PI * 2) / 360);
    expect(obs.high).toEqual([Math.fround(4.8), 3.4028234663852886e38, thr2, 3.4028234663852886e38]);
    expect(obs.low).toEqual([-Math.fround(4.8), -3.4028234663852886e38, -thr2, -3.4028234663852886e38]);
  });

  test('reset draws each state variable in [-0.05, 0.05); obs is the float32-rounded state', async () => {
    const env = new CartPoleEnv();
    for (let seed = 0; seed < 20; seed++) {
      const { obs, info } = await env.reset({ seed });
      expect(info).toEqual({});
      const s = env.state;
      for (const v of s) {
        expect(v).toBeGreaterThanOrEqual(-0.05);
        expect(v).toBeLessThan(0.05);
      }
      expect(obs).toEqual(s.map(Math.fround));
      expect(obs.every(isFloat32)).toBe(true);
    }
  });

  test('hand-computed first step from the zero state (euler)', async () => {
    const env = new CartPoleEnv();
    const { obs: obs0 } = await env.reset({ seed: 1, options: { low: 0, high: 0 } });
    expect(obs0).toEqual([0, 0, 0, 0]);
    // temp = 10/1.1 = 100/11; thetaacc = -temp / (0.5 * (4/3 - 0.1/1.1)) = -(100/11) / (41/66) = -600/41
    // xacc = temp - 0.05 * thetaacc / 1.1 = 100/11 + 300/451 = 4400/451
    const thetaacc = -14.634146341463415; // -600/41
    const xacc = 9.75609756097561; // 4400/451
    const r = await env.step(1);
    expectClose(env.state, [0, 0.02 * xacc, 0, 0.02 * thetaacc], 1e-12);
    expectClose(env.state, [0, 0.1951219512195122, 0, -0.2926829268292683], 1e-12);
    expect(r.obs).toEqual([0, Math.fround(0.1951219512195122), 0, Math.fround(-0.2926829268292683)]);
    expect(r.reward).toBe(1);
    expect(r.terminated).toBe(false);
    expect(r.truncated).toBe(false);
    // Action 0 from the zero state mirrors it.
    await env.reset({ options: { low: 0, high: 0 } });
    const l = await env.step(0);
    expectClose(env.state, [0, -0.1951219512195122, 0, 0.2926829268292683], 1e-12);
    expect(l.obs[1]).toBe(Math.fround(-0.1951219512195122));
  });

  test('hand-computed first step from the zero state (semi-implicit euler)', async () => {
    const env = new CartPoleEnv({ kinematicsIntegrator: 'semi-implicit euler' });
    await env.reset({ seed: 1, options: { low: 0, high: 0 } });
    await env.step(1);
    // x_dot and theta_dot as with euler; x and theta use the *new* velocities.
    expectClose(env.state, [0.02 * 0.1951219512195122, 0.1951219512195122, 0.02 * -0.2926829268292683, -0.2926829268292683], 1e-12);
  });

  test.each(['euler', 'semi-implicit euler'] as const)('replays a fixed action sequence against the reference (%s)', async (integrator) => {
    const env = new CartPoleEnv({ kinematicsIntegrator: integrator });
    await env.reset({ seed: 42 });
    let ref = env.state as Vec4;
    let steps = 0;
    for (const a of PATTERN) {
      ref = cartPoleRef(ref, a, integrator);
      const r = await env.step(a);
      steps++;
      expectClose(r.obs, ref, 1e-5);
      expectClose(env.state, ref, 1e-12);
      expect(r.obs.every(isFloat32)).toBe(true);
      expect(env.observationSpace.contains(r.obs)).toBe(true);
      expect(r.reward).toBe(1);
      expect(r.terminated).toBe(cartPoleOut(ref));
      expect(r.truncated).toBe(false);
      if (r.terminated) break;
    }
    expect(steps).toBeGreaterThanOrEqual(15);
  });

  test('500 steps of a balancing policy (actions fixed by the reference trajectory) match the reference', async () => {
    const env = new CartPoleEnv();
    await env.reset({ seed: 99 });
    let ref = env.state as Vec4;
    for (let i = 0; i < 500; i++) {
      // Push towards the side the pole leans/falls to, decided on the reference state (not the env's).
      const a = ref[2] + 0.5 * ref[3] + 0.01 * ref[0] + 0.05 * ref[1] > 0 ? 1 : 0;
      ref = cartPoleRef(ref, a);
      const r = await env.step(a);
      expectClose(r.obs, ref, 1e-5);
      expect(r.reward).toBe(1);
      expect(r.terminated).toBe(false);
    }
    expectClose(env.state, ref, 1e-9);
  });

  test('terminates exactly when the reference state leaves the thresholds (pushing right)', async () => {
    const env = new CartPoleEnv();
    await env.reset({ seed: 7 });
    let ref = env.state as Vec4;
    let steps = 0;
    for (;;) {
      ref = cartPoleRef(ref, 1);
      const r = await env.step(1);
      steps++;
      expectClose(r.obs, ref, 1e-5);
      expect(r.reward).toBe(1); // including the terminating step
      expect(r.terminated).toBe(cartPoleOut(ref));
      if (r.terminated) break;
      expect(steps).toBeLessThan(100);
    }
    // Pushing right makes the pole fall to the left (negative theta).
    expect(ref[2]).toBeLessThan(-THETA_THRESHOLD);
    expect(Math.abs(ref[0])).toBeLessThan(2.4);
    expect(steps).toBeGreaterThan(3);
    await expect(env.step(1)).rejects.toThrow(ResetNeededError);
  });

  test('terminates on the cart position threshold', async () => {
    // Start far right, at rest: the cart leaves x > 2.4 after a few steps of pushing right.
    const env = new CartPoleEnv();
    await env.reset({ seed: 3, options: { low: 2.39, high: 2.3999 } });
    let ref = env.state as Vec4;
    let terminatedAt = -1;
    for (let i = 1; i <= 50; i++) {
      ref = cartPoleRef(ref, 1);
      const r = await env.step(1);
      expect(r.terminated).toBe(cartPoleOut(ref));
      if (r.terminated) {
        terminatedAt = i;
        break;
      }
    }
    expect(terminatedAt).toBeGreaterThan(0);
    expect(ref[0] > 2.4 || Math.abs(ref[2]) > THETA_THRESHOLD).toBe(true);
  });

  test('suttonBartoReward: 0 per step, -1 on the terminating step', async () => {
    const env = new CartPoleEnv({ suttonBartoReward: true });
    await env.reset({ seed: 7 });
    const rewards: number[] = [];
    let terminated = false;
    while (!terminated) {
      const r = await env.step(0);
      rewards.push(r.reward);
      terminated = r.terminated;
    }
    expect(rewards.length).toBeGreaterThan(3);
    expect(rewards.slice(0, -1).every((r) => r === 0)).toBe(true);
    expect(rewards[rewards.length - 1]).toBe(-1);
  });

  test('determinism: same seed, same trajectory; different seeds differ', async () => {
    const run = async (seed: number): Promise<number[][]> => {
      const env = new CartPoleEnv();
      const out = [(await env.reset({ seed })).obs];
      for (const a of PATTERN.slice(0, 10)) out.push((await env.step(a)).obs);
      return out;
    };
    expect(await run(123)).toEqual(await run(123));
    expect((await run(123))[0]).not.toEqual((await run(124))[0]);
    // Reset without a seed continues the stream: a second reset differs from the first.
    const env = new CartPoleEnv();
    const a = (await env.reset({ seed: 5 })).obs;
    const b = (await env.reset()).obs;
    expect(b).not.toEqual(a);
    expect((await env.reset({ seed: 5 })).obs).toEqual(a);
  });

  test('reset options low/high', async () => {
    const env = new CartPoleEnv();
    for (let seed = 0; seed < 10; seed++) {
      await env.reset({ seed, options: { low: 0.1, high: 0.2 } });
      for (const v of env.state) {
        expect(v).toBeGreaterThanOrEqual(0.1);
        expect(v).toBeLessThan(0.2);
      }
    }
    await env.reset({ options: { high: -0.01 } }); // low defaults to -0.05
    for (const v of env.state) {
      expect(v).toBeGreaterThanOrEqual(-0.05);
      expect(v).toBeLessThan(-0.01);
    }
    await expect(env.reset({ options: { low: 1, high: 0 } })).rejects.toThrow(/low \(1\) must not be greater than high \(0\)/);
    await expect(env.reset({ options: { low: 'a' } })).rejects.toThrow(ConfigError);
    await expect(env.reset({ options: { lo: 0 } })).rejects.toThrow(/unknown reset option "lo"/);
  });

  test('invalid actions are refused', async () => {
    const env = new CartPoleEnv();
    await env.reset({ seed: 0 });
    await expect(env.step(2)).rejects.toThrow(InvalidActionError);
    await expect(env.step(0.5)).rejects.toThrow(InvalidActionError);
    await expect(env.step(-1)).rejects.toThrow(/-1/);
  });

  test('config validation', () => {
    expect(() => new CartPoleEnv({ kinematicsIntegrator: 'rk4' as never })).toThrow(ConfigError);
    expect(() => new CartPoleEnv({ kinematicsIntegrator: 'rk4' as never })).toThrow(
      'CartPole-v1: config.kinematicsIntegrator: expected one of "euler", "semi-implicit euler", got "rk4"',
    );
    expect(() => new CartPoleEnv({ suttonBartoReward: 'yes' as never })).toThrow(
      'CartPole-v1: config.suttonBartoReward: expected a boolean, got "yes"',
    );
    expect(() => new CartPoleEnv({ gravity: 9.81 } as never)).toThrow(/CartPole-v1: config.gravity: unknown key/);
    expect(() => new CartPoleEnv(null as never)).toThrow(/CartPole-v1: config: expected an object, got null/);
    expect(() => registry.make('CartPole-v1', { kinematicsIntegrator: 3 })).toThrow(/config\.kinematicsIntegrator/);
    expect(new CartPoleEnv({ kinematicsIntegrator: 'semi-implicit euler', suttonBartoReward: true }).kinematicsIntegrator).toBe(
      'semi-implicit euler',
    );
  });
});

// ---------------------------------------------------------------------------
// Pendulum-v1
// ---------------------------------------------------------------------------

describe('Pendulum-v1', () => {
  test('spaces match Gymnasium', () => {
    const env = new PendulumEnv();
    expect(env.actionSpace.toJSON()).toEqual({ type: 'Box', low: [-2], high: [2], shape: [1], dtype: 'float32' });
    expect(env.observationSpace.toJSON()).toEqual({ type: 'Box', low: [-1, -1, -8], high: [1, 1, 8], shape: [3], dtype: 'float32' });
  });

  test('reset: theta in [-pi, pi), theta_dot in [-1, 1); obs = float32 [cos, sin, thdot]', async () => {
    const env = new PendulumEnv();
    let sawBigTheta = false;
    for (let seed = 0; seed < 30; seed++) {
      const { obs } = await env.reset({ seed });
      const [th, thd] = env.state as [number, number];
      expect(th).toBeGreaterThanOrEqual(-Math.PI);
      expect(th).toBeLessThan(Math.PI);
      expect(thd).toBeGreaterThanOrEqual(-1);
      expect(thd).toBeLessThan(1);
      if (Math.abs(th) > 1.1) sawBigTheta = true; // the range is [-pi, pi), not [-1, 1)
      expect(obs).toEqual([Math.fround(Math.cos(th)), Math.fround(Math.sin(th)), Math.fround(thd)]);
    }
    expect(sawBigTheta).toBe(true);
  });

  test('hand-computed step from theta = 0 with torque 2', async () => {
    const env = new PendulumEnv();
    const { obs: obs0 } = await env.reset({ seed: 0, options: { x_init: 0, y_init: 0 } });
    expect(obs0).toEqual([1, 0, 0]);
    const r = await env.step([2]);
    // newthdot = 0 + (15 * sin 0 + 3 * 2) * 0.05 = 0.3; newth = 0.3 * 0.05 = 0.015; cost = 0.001 * 4
    expectClose(env.state, [0.015, 0.3], 1e-15);
    expect(r.reward).toBeCloseTo(-0.004, 15);
    expect(r.obs).toEqual([Math.fround(Math.cos(0.015)), Math.fround(Math.sin(0.015)), Math.fround(0.3)]);
    expect(r.terminated).toBe(false);
    expect(r.truncated).toBe(false);
    // Second step: cost uses the pre-step state, theta = 0.015, thdot = 0.3, u = -1.
    const r2 = await env.step([-1]);
    expect(r2.reward).toBeCloseTo(-(0.015 ** 2 + 0.1 * 0.09 + 0.001), 15);
    const nthd = 0.3 + (15 * Math.sin(0.015) - 3) * 0.05;
    expectClose(env.state, [0.015 + nthd * 0.05, nthd], 1e-15);
  });

  test('g from config changes the dynamics', async () => {
    const env = new PendulumEnv({ g: 9.81 });
    expect(env.g).toBe(9.81);
    await env.reset({ seed: 0, options: { x_init: 0, y_init: 0 } });
    await env.step([0]);
    expect(env.state).toEqual([0, 0]); // upright at rest is an equilibrium
    await env.reset({ seed: 9 });
    let ref = env.state as [number, number];
    for (const u of [0.5, -1.25, 2, -2, 0]) {
      const { next, reward } = pendulumRef(ref, u, 9.81);
      const r = await env.step([u]);
      expect(Math.abs(r.reward - reward)).toBeLessThan(1e-12);
      ref = next;
      expectClose(env.state, ref, 1e-12);
    }
  });

  test('replays a fixed action sequence against the reference', async () => {
    const env = new PendulumEnv();
    await env.reset({ seed: 2024 });
    let ref = env.state as [number, number];
    const actions = PATTERN.map((a, i) => (a === 1 ? 2 : -2) * ((i % 4) + 1) / 4);
    for (const u of actions) {
      const { next, reward } = pendulumRef(ref, u);
      const r = await env.step([u]);
      ref = next;
      expectClose(r.obs, [Math.cos(ref[0]), Math.sin(ref[0]), ref[1]], 1e-5);
      expectClose(env.state, ref, 1e-12);
      expect(r.obs.every(isFloat32)).toBe(true);
      expect(Math.abs(r.reward - reward)).toBeLessThan(1e-12);
      expect(r.terminated).toBe(false);
    }
  });

  test('angleNormalize uses Python modulo semantics', () => {
    expect(angleNormalize(0)).toBe(0);
    expect(angleNormalize(1)).toBeCloseTo(1, 15);
    expect(angleNormalize(-1)).toBeCloseTo(-1, 15);
    expect(angleNormalize(4)).toBeCloseTo(4 - 2 * Math.PI, 14);
    // JS's % would give -3.5 here; Python's gives 2*pi - 3.5.
    expect(angleNormalize(-3.5)).toBeCloseTo(2 * Math.PI - 3.5, 14);
    expect(angleNormalize(-7)).toBeCloseTo(2 * Math.PI - 7, 14);
    expect(angleNormalize(-20)).toBeCloseTo(-20 + 6 * Math.PI, 13);
    expect(angleNormalize(Math.PI)).toBe(-Math.PI);
    expect(pymod(-1, 3)).toBe(2);
    expect(pymod(1, -3)).toBe(-2);
    expect(pymod(-7.5, 2)).toBe(0.5);
    expect(pymod(7.5, 2)).toBe(1.5);
    for (let x = -30; x <= 30; x += 0.37) {
      const n = angleNormalize(x);
      expect(n).toBeGreaterThanOrEqual(-Math.PI);
      expect(n).toBeLessThan(Math.PI);
      expect(Math.abs(n - normRef(x))).toBeLessThan(1e-12);
    }
  });

  test('the reward normalises theta once the pendulum swings past -pi', async () => {
    // From upright at rest, constant torque -2 makes it fall the negative way and swing through -pi and beyond.
    const env = new PendulumEnv();
    await env.reset({ seed: 0, options: { x_init: 0, y_init: 0 } });
    let ref: [number, number] = [0, 0];
    let checkedBelowMinusPi = 0;
    for (let i = 0; i < 150; i++) {
      const [th, thd] = ref;
      const { next, reward } = pendulumRef(ref, -2);
      const r = await env.step([-2]);
      expect(Math.abs(r.reward - reward)).toBeLessThan(1e-9);
      expect(r.reward).toBeGreaterThanOrEqual(-16.2736044);
      if (th < -Math.PI - 0.3) {
        checkedBelowMinusPi++;
        // Unnormalised theta (JS % semantics) would give a cost of at least th^2 > (pi + 0.3)^2 + ...
        const wrongCost = (pymodWrong(th + Math.PI, 2 * Math.PI) - Math.PI) ** 2 + 0.1 * thd ** 2 + 0.004;
        expect(-r.reward).toBeLessThan(wrongCost);
        expect(-r.reward).toBeCloseTo(normRef(th) ** 2 + 0.1 * thd ** 2 + 0.004, 9);
      }
      ref = next;
    }
    expect(checkedBelowMinusPi).toBeGreaterThan(5);
    expect(env.state[0]).toBeLessThan(-2 * Math.PI); // theta is not wrapped in the state
  });

  test('angular velocity is clipped to [-8, 8]', async () => {
    const env = new PendulumEnv();
    await env.reset({ seed: 0, options: { x_init: 0, y_init: 0 } });
    let maxSpeed = 0;
    for (let i = 0; i < 150; i++) {
      const r = await env.step([-2]);
      maxSpeed = Math.max(maxSpeed, Math.abs(env.state[1] as number));
      expect(Math.abs(r.obs[2] as number)).toBeLessThanOrEqual(8);
    }
    expect(maxSpeed).toBe(8);
  });

  test('torque outside [-2, 2] is refused (no silent clipping)', async () => {
    const env = new PendulumEnv();
    await env.reset({ seed: 0 });
    await expect(env.step([3])).rejects.toThrow(InvalidActionError);
    await expect(env.step([3])).rejects.toThrow(/3/);
    await expect(env.step([-2.5])).rejects.toThrow(/-2\.5/);
    await expect(env.step([1, 1])).rejects.toThrow(InvalidActionError);
    await expect(env.step([Number.NaN])).rejects.toThrow(InvalidActionError);
    // The boundary values are valid actions.
    await env.step([2]);
    await env.step([-2]);
    await env.step(new Float32Array([1.5]) as unknown as number[]);
  });

  test('determinism: same seed, same reset; different seeds differ', async () => {
    const a = new PendulumEnv(), b = new PendulumEnv();
    const oa = (await a.reset({ seed: 11 })).obs;
    const ob = (await b.reset({ seed: 11 })).obs;
    expect(oa).toEqual(ob);
    for (let i = 0; i < 5; i++) expect((await a.step([0.3])).obs).toEqual((await b.step([0.3])).obs);
    expect((await b.reset({ seed: 12 })).obs).not.toEqual(oa);
  });

  test('reset options x_init / y_init', async () => {
    const env = new PendulumEnv();
    for (let seed = 0; seed < 10; seed++) {
      await env.reset({ seed, options: { x_init: 0.1, y_init: 3 } });
      const [th, thd] = env.state as [number, number];
      expect(Math.abs(th)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(thd)).toBeLessThanOrEqual(3);
    }
    await env.reset({ seed: 1, options: { y_init: 0 } }); // x_init defaults to pi
    expect(env.state[1]).toBe(0);
    await expect(env.reset({ options: { x_init: 'pi' } })).rejects.toThrow('Pendulum-v1: reset option x_init must be a finite number, got "pi"');
    await expect(env.reset({ options: { theta: 0 } })).rejects.toThrow(/unknown reset option "theta"/);
  });

  test('config validation', () => {
    expect(() => new PendulumEnv({ g: -1 })).toThrow('Pendulum-v1: config.g: expected a number in (0, 1000], got -1');
    expect(() => new PendulumEnv({ g: 0 })).toThrow(ConfigError);
    expect(() => new PendulumEnv({ g: Number.NaN })).toThrow(/config\.g/);
    expect(() => new PendulumEnv({ g: Infinity })).toThrow(/config\.g/);
    expect(() => new PendulumEnv({ g: '10' as never })).toThrow('Pendulum-v1: config.g: expected a number in (0, 1000], got "10"');
    expect(() => new PendulumEnv({ gravity: 10 } as never)).toThrow(/Pendulum-v1: config.gravity: unknown key/);
    expect(() => registry.make('Pendulum-v1', { g: -3 })).toThrow(ConfigError);
  });
});

// ---------------------------------------------------------------------------
// Registry entries
// ---------------------------------------------------------------------------

describe('classic registry entries', () => {
  test('specs', () => {
    const cp = registry.spec('CartPole-v1');
    expect(cp.kind).toBe('single');
    expect(cp.maxEpisodeSteps).toBe(500);
    expect(cp.rewardThreshold).toBe(475);
    const pd = registry.spec('Pendulum-v1');
    expect(pd.kind).toBe('single');
    expect(pd.maxEpisodeSteps).toBe(200);
    expect(pd.rewardThreshold).toBeUndefined();
    const env = registry.make('CartPole-v1');
    expect(env.spec).toEqual({ id: 'CartPole-v1', kind: 'single', nondeterministic: false, maxEpisodeSteps: 500, rewardThreshold: 475 });
  });

  test('Pendulum-v1 is truncated (not terminated) after 200 steps', async () => {
    const env = makeEnv<number[], number[]>('Pendulum-v1');
    await env.reset({ seed: 3 });
    for (let i = 1; i <= 200; i++) {
      const r = await env.step([Math.sin(i) * 2]);
      expect(r.terminated).toBe(false);
      expect(r.truncated).toBe(i === 200);
    }
    await env.reset();
    expect((await env.step([0])).truncated).toBe(false);
    await env.close();
  });

  test('CartPole-v1 via make matches the bare env for the same seed', async () => {
    const wrapped = makeEnv<number[], number>('CartPole-v1', { kinematicsIntegrator: 'semi-implicit euler' });
    const bare = new CartPoleEnv({ kinematicsIntegrator: 'semi-implicit euler' });
    expect((await wrapped.reset({ seed: 77 })).obs).toEqual((await bare.reset({ seed: 77 })).obs);
    for (const a of PATTERN.slice(0, 12)) {
      const w = await wrapped.step(a);
      const b = await bare.step(a);
      expect(w).toEqual(b);
    }
  });
});

/** JavaScript's truncated % (what a naive port would use), for the negative control above. */
function pymodWrong(a: number, b: number): number {
  return a % b;
}
