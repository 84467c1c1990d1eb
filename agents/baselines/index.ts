/**
 * The papers' baselines as policies (DESIGN.md "Agents"); importing this
 * module registers every one under its CLI name. See docs/agents/baselines.md.
 */
export { BaselineAgent, Options as BaselineOptions, familyOf, innermostEnv, singleView as baselineSingleView, type EnvFamily, type FamilyName } from './common.js';
export { RandomAgent, randomFactory } from './random.js';
export { StaticAgent, actionAtLevel, staticFactory, type StaticLevel } from './static.js';
export { RandomSearchAgent, randomSearchFactory, type RandomSearchOptions } from './random-search.js';
export { HpaAgent, hpaDesiredReplicas, hpaFactory } from './hpa.js';
export { OpenfaasRpsAgent, openfaasDesiredReplicas, openfaasRpsFactory } from './openfaas-rps.js';
export { ThresholdAgent, thresholdFactory } from './threshold.js';
export { asInvokerStates, decodeFaasrank, fnv1a, hasRoom, probeOrder, type FaasrankView, type InvokerView } from './faasrank-view.js';
export { OwHashingAgent, owHashingFactory } from './ow-hashing.js';
export { RoundRobinAgent, roundRobinFactory } from './round-robin.js';
export { LeastConnectionsAgent, leastConnectionsFactory } from './least-connections.js';
export { GreedyPackingAgent, greedyPackingFactory } from './greedy-packing.js';
export { StaticRankAgent, staticRankFactory, staticRankScore, staticRankTerms } from './static-rank.js';
export { KubeBestFitAgent, kubeBestFitFactory } from './kube-best-fit.js';
export { VanillaCpmAgent, vanillaCpmFactory, vanillaPlan } from './vanilla-cpm.js';
export { OracleAgent, oracleFactory, oracleRuns, type OracleOptions, type OracleSpace } from './oracle.js';
export type { StepPlan } from './stepconf-plan.js';
