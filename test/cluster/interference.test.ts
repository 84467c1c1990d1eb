import { ConfigError } from '../../src/core/errors.js';
import { DARLY_ML_SENSITIVITY, interferenceSlowdown } from '../../src/cluster/sim/interference.js';

describe('interferenceSlowdown (Darly §3.3)', () => {
  // Darly §3.3 (paper-numbers.json darly_nodes_table1.max_slowdown_percent).
  const darly = { framer_16_frames: 57.6, ml_models_32_frames: 47.2 };

  test('no stress, no slowdown', () => {
    expect(interferenceSlowdown(0)).toBe(1);
    expect(interferenceSlowdown(0, 0.82)).toBe(1);
    expect(interferenceSlowdown(0.9, 0)).toBe(1);
  });

  test('hits the 75 % calibration points of the Framer and the ML models', () => {
    expect(interferenceSlowdown(0.75)).toBeCloseTo(1 + darly.framer_16_frames / 100, 12);
    expect(interferenceSlowdown(0.75, DARLY_ML_SENSITIVITY)).toBeCloseTo(1 + darly.ml_models_32_frames / 100, 12);
    expect(interferenceSlowdown(0.75, 0.82)).toBeCloseTo(1.472, 3);
  });

  test('small below 50 % pressure (Darly: "minimal performance degradation")', () => {
    expect(interferenceSlowdown(0.25) - 1).toBeLessThan(0.01);
    expect(interferenceSlowdown(0.5) - 1).toBeLessThanOrEqual(0.1);
    expect(interferenceSlowdown(0.5)).toBeCloseTo(1.0759, 4);
  });

  test('monotone, continuous and smooth on [0, 1], still rising past 0.75', () => {
    let prev = interferenceSlowdown(0);
    let prevSlope = 0;
    const h = 1e-3;
    for (let i = 1; i <= 1000; i++) {
      const s = i * h;
      const v = interferenceSlowdown(s);
      expect(v).toBeGreaterThan(prev);
      expect(v - prev).toBeLessThan(0.02); // no jumps
      const slope = (v - prev) / h;
      expect(slope).toBeGreaterThanOrEqual(prevSlope); // convex, slope changes gradually
      expect(slope - prevSlope).toBeLessThan(0.1);
      prev = v;
      prevSlope = slope;
    }
    expect(interferenceSlowdown(1)).toBeGreaterThan(interferenceSlowdown(0.75) + 0.5);
  });

  test('scales with sensitivity', () => {
    for (const s of [0.3, 0.6, 0.9]) {
      expect(interferenceSlowdown(s, 2) - 1).toBeCloseTo(2 * (interferenceSlowdown(s) - 1), 12);
    }
  });

  test('rejects stress outside [0, 1] and bad sensitivities', () => {
    expect(() => interferenceSlowdown(1.2)).toThrow(new ConfigError('interference stress must be a number in [0, 1], got 1.2'));
    expect(() => interferenceSlowdown(NaN)).toThrow(ConfigError);
    expect(() => interferenceSlowdown(0.5, -1)).toThrow(new ConfigError('interference sensitivity must be a finite number >= 0, got -1'));
  });
});
