/** The statistics of `faasgym bench agents`: nearest-rank quantiles, medians and ratios to PyTorch. */

export interface LatencyUs {
  median: number;
  p99: number;
}

export interface Ratios {
  /** ours ÷ torch update steps per second (> 1: we train faster). */
  train: number | null;
  /** torch ÷ ours median latency (> 1: we act faster). */
  actionMedian: number | null;
  /** torch ÷ ours 99th-percentile latency. */
  actionP99: number | null;
  /** torch ÷ ours median latency of the first action after an update. */
  actionAfterUpdate: number | null;
}

export interface RoundNumbers {
  trainStepsPerSecond: number;
  trainCpuMicrosPerStep: number;
  actionLatencyUs: LatencyUs;
  /** Median latency of the first action after an update (weights just changed). */
  actionAfterUpdateUs: number;
}

/** Nearest-rank quantile of an ascending array (the same rule as bench/torch_agents_bench.py). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;

type Speeds = { trainStepsPerSecond: number; actionLatencyUs: LatencyUs; actionAfterUpdateUs?: number };

/** Ours ÷ torch for throughput, torch ÷ ours for latency: > 1 means faster than PyTorch. Null where either side is missing. */
export function computeRatios(ours: Speeds, torch: Speeds | null): Ratios {
  const ratio = (a: number | undefined, b: number | undefined): number | null =>
    a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b > 0 ? round3(a / b) : null;
  return {
    train: ratio(ours.trainStepsPerSecond, torch?.trainStepsPerSecond),
    actionMedian: ratio(torch?.actionLatencyUs.median, ours.actionLatencyUs.median),
    actionP99: ratio(torch?.actionLatencyUs.p99, ours.actionLatencyUs.p99),
    actionAfterUpdate: ratio(torch?.actionAfterUpdateUs, ours.actionAfterUpdateUs),
  };
}

/** Medians over rounds. */
export function summarize(rounds: readonly RoundNumbers[]): RoundNumbers {
  return {
    trainStepsPerSecond: round3(median(rounds.map((r) => r.trainStepsPerSecond))),
    trainCpuMicrosPerStep: round3(median(rounds.map((r) => r.trainCpuMicrosPerStep))),
    actionLatencyUs: {
      median: round3(median(rounds.map((r) => r.actionLatencyUs.median))),
      p99: round3(median(rounds.map((r) => r.actionLatencyUs.p99))),
    },
    actionAfterUpdateUs: round3(median(rounds.map((r) => r.actionAfterUpdateUs))),
  };
}

/** Something to time: one update, one greedy batch-1 action. */
export interface Contender {
  trainStep(): unknown;
  act(): unknown;
}

/** How many update-then-act pairs a round times (bench/torch_agents_bench.py: the same rule). */
export const afterUpdateSamples = (steps: number): number => Math.min(100, steps);

/** One round: `steps` timed updates, `actions` timed actions, then update-then-act pairs. */
export async function measureRound(c: Contender, steps: number, actions: number): Promise<RoundNumbers> {
  // A short settle (caches, JIT, allocator) after the other side ran.
  for (let i = 0; i < Math.max(1, Math.floor(steps / 10)); i++) await c.trainStep();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await c.trainStep();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  for (let i = 0; i < Math.max(1, Math.floor(actions / 10)); i++) await c.act();
  const lat = new Float64Array(actions);
  for (let i = 0; i < actions; i++) {
    const t = performance.now();
    await c.act();
    lat[i] = (performance.now() - t) * 1000;
  }
  lat.sort();
  const after = new Float64Array(afterUpdateSamples(steps));
  for (let i = 0; i < after.length; i++) {
    await c.trainStep();
    const t = performance.now();
    await c.act();
    after[i] = (performance.now() - t) * 1000;
  }
  after.sort();
  return {
    trainStepsPerSecond: steps / wall,
    trainCpuMicrosPerStep: (cpu.user + cpu.system) / steps,
    actionLatencyUs: { median: quantile(lat, 0.5), p99: quantile(lat, 0.99) },
    actionAfterUpdateUs: quantile(after, 0.5),
  };
}
