/**
 * faasgym's learners and baseline policies: `import { DQN, PPO } from 'faasgym/agents'`.
 * Each module registers its factory (CLI name) on import.
 */
export type { Agent, AgentFactory, ActOptions, SingleTransition, MultiTransition, Losses } from './agent.js';
export { registerAgent, registerAgentFamily, agentNames, agentFamilies, getAgentFactory } from './registry.js';
export { DQN, DQN_SCHEMA, DQN_DEFAULTS, dqnFactory, resolveDQNOptions, type DQNOptions, type DQNHyperparameters } from './dqn.js';
export { PPO, MlpPolicy, ppoFactory, ppoSupports, normalizeAdvantages } from './ppo.js';
export { PPO_SCHEMA, PPO_DEFAULTS, resolvePPOOptions, type PPOOptions, type PPOPolicyChoice, type ResolvedPPOOptions, type PpoPolicy, type PolicyKind, type ActResult } from './ppo-options.js';
export { PPO_RANK_DEFAULTS, RankPolicy, candidateLayoutOf, rankSupport, type CandidateLayout } from './ppo-rank.js';
export { AdamW, type AdamWOptions } from './ppo-adamw.js';
export { DDPG, DDPG_SCHEMA, DDPG_DEFAULTS, ddpgFactory, ddpgSupports, resolveDDPGOptions, type DDPGOptions, type DDPGHyperparameters } from './ddpg.js';
export { MADDPG, MADDPG_SCHEMA, MADDPG_DEFAULTS, maddpgFactory, resolveMADDPGOptions, type MADDPGOptions } from './maddpg.js';
export { MeanField, MEANFIELD_SCHEMA, MEANFIELD_DEFAULTS, meanfieldFactory, resolveMeanFieldOptions, type MeanFieldOptions } from './meanfield.js';
export { AttMF, ATTMF_SCHEMA, ATTMF_DEFAULTS, attmfFactory, resolveAttMFOptions, type AttMFOptions } from './attmf.js';
export { MultiAgentActorCritic } from './actor-critic-marl.js';
export type { MarlHyperparameters, MarlCommonOptions } from './actor-critic-marl-options.js';
export type { MarlNetworks, MarlVariant } from './actor-critic-marl-strategy.js';
export * from './baselines/index.js';
export { withSesFactory } from './with-ses.js';
export { SafeExploration, SES_SCHEMA, SES_DEFAULTS, sesFactory, resourceProxyPrice, actionLayoutOf, type SafeExplorationOptions, type SesSettings, type SesHyperparameters, type SesRecord, type SesCounters, type SesDecision, type PriceBand, type JointAction, type ActionLayout } from './ses.js';
export { StepEstimator, QuantileRegression, fitExponential, fitInverse, evalCompute, weightedLeastSquares, pinballLoss, quadraticTerms, usableCores, SINGLE_CORE_MEMORY_MB, type StepEstimatorOptions, type StepEstimatorJSON, type StepPrediction, type StepTheta, type ComputeFit, type ComputePoint, type ExponentialFit, type InverseFit, type FunctionModelJSON, type QuantileRegressionJSON } from './stepconf-estimator.js';
export { StepConfPolicy, STEPCONF_POLICY_SCHEMA, STEPCONF_POLICY_DEFAULTS, stepconfFactory, type StepConfPolicyOptions, type StepDecision, type PlannedStep, type PrewarmPlanItem } from './stepconf.js';
