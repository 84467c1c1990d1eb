/**
 * The papers' baselines as policies (DESIGN.md "Agents"); importing this
 * module registers every one under its CLI name. See docs/agents/baselines.md.
 */
export { BaselineAgent, NO_OPTIONS, baselineOptionSchemas, familyOf, innermostEnv, singleView as baselineSingleView, type EnvFamily, type FamilyName } from './common.js';
export { RandomAgent, randomFactory } from './random.js';
export { STATIC_SCHEMA, StaticAgent, actionAtLevel, staticFactory, type StaticLevel } from './static.js';
export { RANDOM_SEARCH_SCHEMA, RandomSearchAgent, randomSearchFactory, type RandomSearchOptions } from './random-search.js';
export { HPA_SCHEMA, HpaAgent, hpaDesiredReplicas, hpaFactory } from './hpa.js';
export { OPENFAAS_RPS_SCHEMA, OpenfaasRpsAgent, openfaasDesiredReplicas, openfaasRpsFactory } from './openfaas-rps.js';
export { THRESHOLD_SCHEMA, ThresholdAgent, thresholdFactory } from './threshold.js';
export { ROUTING_SCHEMA, asInvokerStates, decodeFaasrank, fnv1a, hasRoom, probeOrder, type FaasrankView, type InvokerView } from './faasrank-view.js';
export { OwHashingAgent, owHashingFactory } from './ow-hashing.js';
export { RoundRobinAgent, roundRobinFactory } from './round-robin.js';
export { LeastConnectionsAgent, leastConnectionsFactory } from './least-connections.js';
export { GreedyPackingAgent, greedyPackingFactory } from './greedy-packing.js';
export { StaticRankAgent, staticRankFactory, staticRankScore, staticRankTerms } from './static-rank.js';
export { KubeBestFitAgent, kubeBestFitFactory } from './kube-best-fit.js';
export { VanillaCpmAgent, vanillaCpmFactory, vanillaPlan } from './vanilla-cpm.js';
export { ORACLE_SCHEMA, OracleAgent, oracleFactory, oracleRuns, type OracleOptions, type OracleSpace } from './oracle.js';
export type { StepPlan } from './stepconf-plan.js';
