import { ConfigError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { cpuTimes, pcmCounters, type PcmInput } from '../../src/cluster/sim/pcm.js';

const node = (over: Partial<PcmInput> = {}): PcmInput => ({ cores: 8, speed: 1, l3Mb: 28, busyCores: 2, stress: 0, ...over });
const exact = (over: Partial<PcmInput> = {}) => pcmCounters(node(over), new Rng(0), 0);
const grid = (n: number) => Array.from({ length: n + 1 }, (_, i) => i / n);

describe('pcmCounters', () => {
  test('noise 0 is exact and matches the documented formulas', () => {
    // m = 0.5, s = 0, l3 = 32 MB: APKI 11, r = 1 − e^−0.3 = 0.2591818, MPKI 2.8510, HPKI 8.1490
    // CPI = 0.5 + 8.1490·20/1000 + 2.8510·120/1000 = 1.0051; u = 4/8
    const r = 1 - Math.exp(-0.3);
    const mpki = 11 * r, hpki = 11 - mpki;
    expect(mpki).toBeCloseTo(2.851, 3);
    const cpi = 0.5 + (hpki * 20) / 1000 + (mpki * 120) / 1000;
    expect(cpi).toBeCloseTo(1.0051, 4);
    const c = exact({ l3Mb: 32, busyCores: 4 });
    expect(c.ipc).toBeCloseTo(1 / cpi, 12);
    const instr = 0.5 * 8 * 2.1e9 * (1 / cpi);
    expect(c.l3MissesM).toBeCloseTo((instr * mpki) / 1000 / 1e6, 9);
    expect(c.l3HitsM).toBeCloseTo((instr * hpki) / 1000 / 1e6, 9);
    expect(c.dramReadMBps).toBeCloseTo(((instr * mpki) / 1000) * 64 / 1e6, 9);
    expect(c.dramWriteMBps).toBeCloseTo(c.dramReadMBps * 0.4, 9);
    // residency: u = 0.5, C1 = 0.5·(0.1 + 0.1) = 0.1
    expect(c.c0).toBe(0.5);
    expect(c.c1).toBeCloseTo(0.1, 15);
    expect(c.c6).toBeCloseTo(0.4, 15);
    // the rng is not touched
    const rng = new Rng(7);
    const before = rng.getState();
    pcmCounters(node(), rng, 0);
    expect(rng.getState()).toEqual(before);
    expect(exact()).toEqual(exact());
  });

  test('IPC falls and L3 misses rise with stress (at any load, saturated included)', () => {
    for (const busyCores of [0.5, 2, 6, 8]) {
      for (const memoryIntensity of [0, 0.5, 1]) {
        for (const l3Mb of [8, 14, 28, 64]) {
          let prev = exact({ busyCores, memoryIntensity, l3Mb, stress: 0 });
          for (const stress of grid(20).slice(1)) {
            const c = exact({ busyCores, memoryIntensity, l3Mb, stress });
            expect(c.ipc).toBeLessThan(prev.ipc);
            expect(c.l3MissesM).toBeGreaterThan(prev.l3MissesM);
            expect(c.dramReadMBps).toBeGreaterThan(prev.dramReadMBps);
            prev = c;
          }
        }
      }
    }
    // magnitude: noticeable but not absurd at Darly's 75 % level
    const ratio = exact({ stress: 0.75 }).ipc / exact().ipc;
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(0.9);
  });

  test('a smaller L3 means more misses and lower IPC', () => {
    for (const stress of [0, 0.5]) {
      let prev = exact({ l3Mb: 4, stress });
      for (const l3Mb of [8, 14, 28, 30, 64]) {
        const c = exact({ l3Mb, stress });
        expect(c.l3MissesM).toBeLessThan(prev.l3MissesM);
        expect(c.ipc).toBeGreaterThan(prev.ipc);
        prev = c;
      }
    }
  });

  test('memory-bound work has lower IPC and more DRAM traffic', () => {
    const cpu = exact({ memoryIntensity: 0.1 }), mem = exact({ memoryIntensity: 0.9 });
    expect(mem.ipc).toBeLessThan(cpu.ipc);
    expect(mem.dramReadMBps).toBeGreaterThan(cpu.dramReadMBps);
    expect(mem.dramWriteMBps).toBeGreaterThan(cpu.dramWriteMBps);
  });

  test('C0 follows utilisation; residencies sum to 1; L3 hits and DRAM scale with busy cycles', () => {
    let prev = exact({ busyCores: 0 });
    expect(prev).toMatchObject({ c0: 0, l3MissesM: 0, l3HitsM: 0, dramReadMBps: 0 });
    expect(prev.c6).toBeCloseTo(0.9, 15);
    for (const busyCores of grid(16).slice(1).map((x) => x * 8)) {
      const c = exact({ busyCores });
      expect(c.c0).toBeCloseTo(busyCores / 8, 15);
      expect(c.c0).toBeGreaterThan(prev.c0);
      expect(c.c6).toBeLessThan(prev.c6);
      expect(c.l3HitsM).toBeGreaterThan(prev.l3HitsM);
      expect(c.dramReadMBps).toBeGreaterThan(prev.dramReadMBps);
      expect(c.c0 + c.c1 + c.c6).toBeCloseTo(1, 14);
      prev = c;
    }
    // co-runners count in C0; demand above the cores saturates at 1
    expect(exact({ busyCores: 2, stress: 0.5 }).c0).toBe(0.75);
    const sat = exact({ busyCores: 6, stress: 0.75 });
    expect(sat).toMatchObject({ c0: 1, c1: 0, c6: 0 });
    // doubling the clock doubles the rates, not the IPC
    const fast = exact({ speed: 2 }), slow = exact();
    expect(fast.ipc).toBe(slow.ipc);
    expect(fast.l3MissesM).toBeCloseTo(2 * slow.l3MissesM, 9);
  });

  test('noise: deterministic under a seed, residencies still sum to 1, centred on the model', () => {
    const a = pcmCounters(node(), new Rng(42));
    const b = pcmCounters(node(), new Rng(42));
    expect(a).toEqual(b);
    expect(a).not.toEqual(pcmCounters(node(), new Rng(43)));
    const rng = new Rng(1);
    const base = exact();
    const ipcs: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const c = pcmCounters(node({ busyCores: 7.9 }), rng, 0.05);
      expect(c.c0 + c.c1 + c.c6).toBeCloseTo(1, 14);
      expect(c.c0).toBeLessThanOrEqual(1);
      expect(Math.min(c.c0, c.c1, c.c6)).toBeGreaterThanOrEqual(0);
      ipcs.push(Math.log(c.ipc / base.ipc));
    }
    const mean = ipcs.reduce((x, y) => x + y, 0) / ipcs.length;
    const sd = Math.sqrt(ipcs.reduce((x, y) => x + (y - mean) ** 2, 0) / ipcs.length);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(sd).toBeGreaterThan(0.045);
    expect(sd).toBeLessThan(0.055);
  });

  test('rejects bad inputs with a message naming the field', () => {
    expect(() => exact({ stress: 1.5 })).toThrow(new ConfigError('pcm model: stress must be a number in [0, 1], got 1.5'));
    expect(() => exact({ cores: 0 })).toThrow(new ConfigError('pcm model: cores must be a finite number > 0, got 0'));
    expect(() => exact({ busyCores: -1 })).toThrow(ConfigError);
    // rounding slack of window averages is clamped, not rejected
    expect(exact({ stress: 1 + 2e-16, busyCores: -1e-15 })).toEqual(exact({ stress: 1, busyCores: 0 }));
    expect(() => pcmCounters(node(), new Rng(0), -0.1)).toThrow(ConfigError);
  });
});

describe('cpuTimes', () => {
  test('idle, user and system sum to 1 and follow utilisation', () => {
    expect(cpuTimes(node({ busyCores: 0 }))).toEqual({ idle: 1, user: 0, system: 0 });
    const t = cpuTimes(node({ busyCores: 4 }));
    expect(t.idle).toBeCloseTo(0.5, 15);
    expect(t.system).toBeCloseTo(0.5 * 0.12, 15);
    expect(t.user).toBeCloseTo(0.5 * 0.88, 15);
    const mixed = cpuTimes(node({ busyCores: 2, stress: 0.25 })); // u = 0.5, half functions, half co-runners
    expect(mixed.system).toBeCloseTo(0.5 * (0.12 + 0.02) / 2, 15);
    for (const [busyCores, stress] of [[1, 0], [3, 0.3], [8, 0.9], [0, 0.6]] as const) {
      const c = cpuTimes(node({ busyCores, stress }));
      expect(c.idle + c.user + c.system).toBeCloseTo(1, 15);
      expect(1 - c.idle).toBeCloseTo(exact({ busyCores, stress }).c0, 15);
    }
  });

  test('noise only with an rng, deterministic under a seed', () => {
    expect(cpuTimes(node(), new Rng(3))).toEqual(cpuTimes(node(), new Rng(3)));
    expect(cpuTimes(node(), new Rng(3), 0)).toEqual(cpuTimes(node()));
    const n = cpuTimes(node(), new Rng(3), 0.1);
    expect(n.idle + n.user + n.system).toBeCloseTo(1, 15);
    expect(n.idle).not.toBe(cpuTimes(node()).idle);
  });
});
