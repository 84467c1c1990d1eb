/**
 * SES's history and safe price bands (FaaSConf §4.3; the wrapper is
 * agents/ses.ts): the records of the paper's Data Store, the k-σ band of a
 * workload over the cheapest `topFraction` of its QoS-meeting records, the
 * band of the nearest workload for an unseen one, A_safe, and the boundary
 * adaptation (refresh after new records, re-estimation from the latest data
 * after consecutive violations).
 */
import type { JointAction } from '../src/core/priced-env.js';
import type { Rng } from '../src/core/rng.js';

/** One history record (000 §4.3: the Data Store SES analyses). */
export interface SesRecord {
  /** Workload level of the step (FaaSConf: closed-loop users of the window). */
  workload: number;
  /** The executed joint action. */
  action: JointAction;
  /** Its price by the price estimator (FaaSConf: eq. 2 rate, USD per hour). */
  price: number;
  /** Measured cost of the step (FaaSConf `info.cost`, USD), null when the info has none. */
  cost: number | null;
  qosMet: boolean;
  /** Index of the observation that produced it (0, 1, …). */
  step: number;
}

/** A safe price band of one workload (the paper's JSON record: app, workload, lb, ub). */
export interface PriceBand {
  app: string;
  workload: number;
  lb: number;
  ub: number;
  mean: number;
  std: number;
  /** Records in τ (the cheapest fraction) the band was computed from. */
  count: number;
  /** QoS-meeting records of the workload the estimate saw. */
  qosRecords: number;
  /** Observation index when it was estimated. */
  estimatedAt: number;
  reason: 'initial' | 'refresh' | 'violations';
}

export interface SesCounters {
  /** Exploring proposals checked. */
  proposals: number;
  /** Proposals inside the band, executed as proposed. */
  passed: number;
  /** Proposals outside the band, replaced by a safe record plus noise. */
  replaced: number;
  /** Proposals passed through because no QoS-meeting history exists yet. */
  noHistory: number;
  /** Greedy actions passed through unchecked. */
  greedy: number;
  /** Bands taken from the nearest workload (current workload unseen). */
  nearestLookups: number;
  /** Band estimations of any reason. */
  bandEstimations: number;
  /** Re-estimations triggered by `violationThreshold` consecutive QoS violations. */
  reEstimations: number;
  /** Steps observed, and those that violated QoS. */
  observed: number;
  violations: number;
}

/** The settings the history and its bands read (SES_SCHEMA's fields of the same names). */
export interface BandSettings {
  readonly kSigma: number;
  readonly topFraction: number;
  readonly recentRecords: number;
  readonly refreshEvery: number;
  readonly minBandRecords: number;
  readonly workloadTolerance: number;
  readonly maxRecords: number;
}

/** The records, the cached bands per workload and the re-estimation horizons. */
export class SesHistory {
  private records: SesRecord[] = [];
  private readonly bands = new Map<number, PriceBand>();
  /** Per workload: the first observation index re-estimations look at. */
  private readonly horizons = new Map<number, number>();
  /** Observations so far: the next record's `step`. */
  steps = 0;

  /**
   * @param settings the band settings (validated by the wrapper)
   * @param counters the wrapper's counters (band estimations are counted here)
   * @param rng the wrapper's Rng (A_safe is drawn from it)
   * @param app the application name written into the bands
   */
  constructor(private readonly settings: BandSettings, private readonly counters: SesCounters, private readonly rng: Rng, private readonly app: string) {}

  /** All records, oldest first (copies). */
  history(): SesRecord[] {
    return this.records.map((r) => ({ ...r, action: r.action.map((a) => [...a]) }));
  }

  /** Add records (e.g. from a previous run's Data Store). */
  addRecords(records: readonly SesRecord[]): void {
    for (const r of records) {
      this.push({ ...r, action: r.action.map((a) => [...a]) });
      this.steps = Math.max(this.steps, r.step + 1);
    }
  }

  /** The cached bands (the paper's JSON records), one per workload. */
  bandRecords(): PriceBand[] {
    return [...this.bands.values()].map((b) => ({ ...b }));
  }

  push(r: SesRecord): void {
    this.records.push(r);
    if (this.records.length > this.settings.maxRecords) this.records.splice(0, this.records.length - this.settings.maxRecords);
  }

  sameWorkload(a: number, b: number): boolean {
    return Math.abs(a - b) <= this.settings.workloadTolerance;
  }

  /** QoS-meeting records of workload `w` from observation `from` on. */
  private safeRecords(w: number, from = 0): SesRecord[] {
    return this.records.filter((r) => r.qosMet && r.step >= from && this.sameWorkload(r.workload, w));
  }

  /** The workload whose band applies to `w`: `w` itself when it has QoS-meeting records, else the nearest that has (ties: the larger). */
  private bandWorkload(w: number): { workload: number; nearest: boolean } | null {
    if (this.records.some((r) => r.qosMet && this.sameWorkload(r.workload, w))) return { workload: w, nearest: false };
    let best: number | null = null;
    for (const r of this.records) {
      if (!r.qosMet) continue;
      const d = Math.abs(r.workload - w);
      if (best === null || d < Math.abs(best - w) || (d === Math.abs(best - w) && r.workload > best)) best = r.workload;
    }
    return best === null ? null : { workload: best, nearest: true };
  }

  /** k-σ band over the cheapest `topFraction` of `safe` (their prices). */
  private computeBand(w: number, safe: readonly SesRecord[], reason: PriceBand['reason']): PriceBand {
    const prices = safe.map((r) => r.price).sort((a, b) => a - b);
    const n = Math.max(1, Math.ceil(this.settings.topFraction * prices.length - 1e-9));
    const tau = prices.slice(0, n);
    const mean = tau.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(tau.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    const k = this.settings.kSigma;
    this.counters.bandEstimations++;
    return { app: this.app, workload: w, lb: mean - k * std, ub: mean + k * std, mean, std, count: n, qosRecords: safe.length, estimatedAt: this.steps, reason };
  }

  /** (Re-)estimate the band of workload `w` from the records from its horizon on (all records when those hold too few QoS-meeting ones). */
  private estimate(w: number, reason: PriceBand['reason']): PriceBand | null {
    let safe = this.safeRecords(w, this.horizons.get(w) ?? 0);
    if (safe.length < this.settings.minBandRecords) safe = this.safeRecords(w);
    if (safe.length < this.settings.minBandRecords) return null;
    const band = this.computeBand(w, safe, reason);
    this.bands.set(w, band);
    return band;
  }

  /** The safe price band for workload `w` (nearest workload when unseen); null without QoS-meeting history. */
  band(w: number): PriceBand | null {
    const target = this.bandWorkload(w);
    if (!target) return null;
    const cached = this.bands.get(target.workload);
    if (cached) {
      const refresh = this.settings.refreshEvery;
      if (refresh === 0) return cached;
      const now = this.safeRecords(target.workload, this.horizons.get(target.workload) ?? 0).length;
      if (now - cached.qosRecords < refresh) return cached;
      return this.estimate(target.workload, 'refresh') ?? cached;
    }
    return this.estimate(target.workload, 'initial');
  }

  /** A_safe: a QoS-meeting record of the band's workload priced inside the band (uniformly), else the one nearest the band. */
  pickSafe(band: PriceBand): SesRecord {
    const safe = this.safeRecords(band.workload, this.horizons.get(band.workload) ?? 0);
    const pool = safe.length > 0 ? safe : this.safeRecords(band.workload);
    const inside = pool.filter((r) => r.price >= band.lb && r.price <= band.ub);
    if (inside.length > 0) return inside[this.rng.integer(0, inside.length)] as SesRecord;
    const dist = (r: SesRecord): number => (r.price < band.lb ? band.lb - r.price : r.price - band.ub);
    return pool.reduce((best, r) => (dist(r) < dist(best) ? r : best));
  }

  /** Re-determine the band of workload `w` from its latest `recentRecords` records (000 §4.3, boundary adaptation). */
  reEstimate(w: number): PriceBand | null {
    const mine = this.records.filter((r) => this.sameWorkload(r.workload, w));
    const from = mine.length > this.settings.recentRecords ? (mine[mine.length - this.settings.recentRecords] as SesRecord).step : 0;
    this.horizons.set(w, from);
    this.bands.delete(w);
    this.counters.reEstimations++;
    return this.estimate(w, 'violations');
  }

  /** The history's part of a checkpoint (JSON). */
  state(): { records: SesRecord[]; bands: PriceBand[]; horizons: [number, number][]; steps: number } {
    return { records: this.history(), bands: this.bandRecords(), horizons: [...this.horizons.entries()], steps: this.steps };
  }

  /** Restore `state()` (the caller checked that records and bands are arrays). */
  restore(s: { records: SesRecord[]; bands: PriceBand[]; horizons?: [number, number][]; steps?: number }): void {
    this.records = [];
    this.steps = 0;
    this.addRecords(s.records);
    this.bands.clear();
    for (const b of s.bands) this.bands.set(b.workload, { ...b });
    this.horizons.clear();
    for (const [w, from] of s.horizons ?? []) this.horizons.set(w, from);
    this.steps = Math.max(this.steps, s.steps ?? 0);
  }
}
