/**
 * Experiment runs as the CLI does them, for users' own scripts:
 * `import { compareAgents, executeTrainingRun } from 'faasgym/experiment'`.
 * (`train` and `evaluate` themselves are in the package root.)
 */
export { resolveTrainingRun, executeTrainingRun, buildRun, trainingBudgetOption, type TrainingRunSpec, type ResolvedTrainingRun, type TrainingRunResult, type ExecuteOptions } from './training-run.js';
export { compareAgents, scoreWindows, windowStats, qualifiedCost, beatsOnCostAtMetQos, foundBeats, verificationPlan, formatCompareReport, QOS_MET_TARGET, COMPARE_EVAL_SEED, type CompareSpec, type CompareReport, type CompareEntry, type CompareCallbacks, type BestFound, type WindowStats } from './compare.js';
export { ConfigurationLog, verifyCandidates, verificationSteps, VERIFY_SEED, type MeasuredConfiguration, type VerifyOptions, type VerifiedCandidate, type Verification } from './best-found.js';
export { runLearnBenchmarks, formatLearnBenchReport, LEARN_BENCHMARKS, type LearnBenchCase, type LearnBenchResult, type LearnBenchReport, type LearnBenchOptions } from './bench-learn.js';
export { zooEntry } from './zoo.js';
export { runExperiment, type RunOptions, type RunOutcome } from './runner/run.js';
export { loadExperiment, resolveExperiment, ExperimentError, type ResolvedExperiment, type LoadedExperiment } from './runner/load.js';
export { ExperimentSchema, experimentJsonSchema } from './runner/schema.js';
export { METRICS, metricNames, type MetricDef } from './runner/metrics.js';
export type { CellResult, CellKey, MetricSummary, ClaimVerdict, ReportInput } from './runner/types.js';
