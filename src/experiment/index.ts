/**
 * Experiment runs as the CLI does them, for users' own scripts:
 * `import { compareAgents, executeTrainingRun } from 'faasgym/experiment'`.
 * (`train` and `evaluate` themselves are in the package root.)
 */
export { resolveTrainingRun, executeTrainingRun, buildRun, trainingBudgetOption, type TrainingRunSpec, type ResolvedTrainingRun, type TrainingRunResult, type ExecuteOptions } from './training-run.js';
export { compareAgents, scoreWindows, windowStats, qualifiedCost, beatsOnCostAtMetQos, formatCompareReport, QOS_MET_TARGET, COMPARE_EVAL_SEED, type CompareSpec, type CompareReport, type CompareEntry, type CompareCallbacks, type WindowStats } from './compare.js';
export { runLearnBenchmarks, formatLearnBenchReport, LEARN_BENCHMARKS, type LearnBenchCase, type LearnBenchResult, type LearnBenchReport, type LearnBenchOptions } from './bench-learn.js';
export { zooEntry } from './zoo.js';
