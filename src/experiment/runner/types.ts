/**
 * The data the experiment runner (`faasgym run`) hands to its report.
 *
 * The runner expands an experiment file into cells (env × agent × seed), runs
 * each cell, writes one `result.json` per cell and one `results.jsonl` row per
 * finished cell (a `CellResult`), aggregates over seeds (`MetricSummary`),
 * checks the file's claims (`ClaimVerdict`) and gives all of it, as a
 * `ReportInput`, to the report (`summary.md`, `report.html`, `plots/`).
 *
 * These types are the contract between the two halves: change them in one
 * commit with both sides.
 */

/** One cell of the grid. `id` is stable and filesystem-safe, e.g. `FaaSConf-Sequential-v0__attmf+ses__s0`. */
export interface CellKey {
  id: string;
  env: string;
  /** The registered agent name, e.g. `attmf+ses`, `random-search`, `kube-best-fit`. */
  agent: string;
  /** The label the report shows (the experiment file's `label`, else the agent name); unique per experiment. */
  label: string;
  seed: number;
}

/** A point of a learning curve: metrics measured after `step` environment steps of training. */
export interface CurvePoint {
  step: number;
  metrics: Record<string, number | null>;
}

/** What one cell produced; one line of `results.jsonl` and the cell's `result.json`. */
export interface CellResult {
  cell: CellKey;
  /** SHA-256 of the cell's resolved configuration (env config, agent options, budget, eval, seed, package version); resume skips a cell whose hash matches. */
  configHash: string;
  status: 'ok' | 'failed';
  /** One line saying what went wrong, when `status` is `failed`. */
  error?: string;
  /** Environment steps the agent used for learning or searching. */
  steps: number;
  /**
   * Final evaluation metrics by name (the experiment's `metrics`), per
   * evaluation protocol: `{ greedy: { qosMet: 0.98, scaledCost: 0.19 }, 'best-found': { … } }`.
   * A metric that could not be measured (e.g. cost at met QoS when no window met QoS) is null.
   */
  metrics: Record<string, Record<string, number | null>>;
  /** Learning curve (empty for baselines that do not learn). */
  curve: CurvePoint[];
  /** Timing fields: excluded when shard outputs are compared with an unsharded run. */
  wallSeconds: number;
  startedAt: string;
  finishedAt: string;
}

/** Mean, spread and 95 % confidence interval of one metric over the seeds of one env × label × protocol. */
export interface MetricSummary {
  env: string;
  label: string;
  protocol: string;
  metric: string;
  /** Seeds that gave a value (null values are left out and counted in `missing`). */
  n: number;
  missing: number;
  mean: number | null;
  std: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** How the interval was computed, e.g. `student-t 95%` (n ≥ 2) or `none (n < 2)`. */
  ciMethod: string;
  /** The per-seed values, in seed order, for plots. */
  values: Array<{ seed: number; value: number | null }>;
}

/** One claim of the experiment file checked against the measured numbers. */
export interface ClaimVerdict {
  id: string;
  /** The claim as the file states it, e.g. "attmf+ses's scaledCost is lower than random-search's by ≥ 20 %". */
  text: string;
  /** Where the paper says it (paper, section, figure). */
  source: string;
  /** null when it could not be decided (a cell failed, a metric is missing). */
  held: boolean | null;
  /** One line with the numbers behind the verdict. */
  detail: string;
  /** E.g. the relative difference of the means, or the measured fraction; with the paper's own number when known. */
  effect?: { name: string; value: number | null; paper?: number | null };
  /** Labels and metric the claim compares, for its plot. */
  env: string;
  metric: string;
  protocol: string;
  labels: string[];
}

export interface RunMeta {
  /** The experiment name (the file's `name`); the output folder is `runs/<name>/`. */
  name: string;
  description: string;
  /** Paper, section, figure. */
  source: string;
  packageVersion: string;
  gitCommit: string | null;
  node: string;
  tfBackend: string | null;
  quick: boolean;
  startedAt: string;
  finishedAt: string;
  /** The path of the experiment file and its text, shown in the report. */
  file: string;
  fileText: string;
  /** The resolved configuration (after `--quick`), as `experiment.json` stores it. */
  resolved: unknown;
}

/** Everything the report renders. */
export interface ReportInput {
  meta: RunMeta;
  cells: CellResult[];
  summaries: MetricSummary[];
  claims: ClaimVerdict[];
  /** Metric names with a short description and direction, for axis titles and table headers. */
  metricInfo: Record<string, { description: string; unit?: string; better: 'lower' | 'higher' }>;
  /** The papers' own numbers, shown beside the measured ones (optional; `env`/`protocol` left out match any). */
  paper?: PaperNumber[];
  /** The folder, relative to the run folder, that holds one folder per cell id (default `cells`; `''` for the run folder itself). */
  cellsDir?: string;
}

/** A number the paper reports for one label × metric, e.g. AttMF's scaled cost in FaaSConf Fig. 13. */
export interface PaperNumber {
  env?: string;
  protocol?: string;
  label: string;
  metric: string;
  value: number;
  /** Paper, section, figure or table. */
  source: string;
}

/** What the report wrote, relative to the run folder. */
export interface ReportFiles {
  summaryMd: string;
  reportHtml: string;
  plots: string[];
}
