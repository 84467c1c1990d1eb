export { Wrapper, ParallelWrapper } from './wrapper.js';
export { TimeLimit, ParallelTimeLimit } from './time-limit.js';
export { OrderEnforcing, ParallelOrderEnforcing } from './order-enforcing.js';
export { ClipAction } from './clip-action.js';
export { RescaleAction } from './rescale-action.js';
export { NormalizeObservation, type NormalizeObservationOptions, type RunningMeanStdState } from './normalize-observation.js';
export { RecordEpisodeStatistics, type RecordEpisodeStatisticsOptions, type EpisodeStatistics } from './record-episode-statistics.js';
export { FlattenObservation } from './flatten-observation.js';
export { CentralizedEnv, type CentralizedEnvOptions, type JointActionKind } from './centralized-env.js';
