/**
 * faasgym's learners and baseline policies: `import { DQN, PPO } from 'faasgym/agents'`.
 * Each module registers its factory (CLI name) on import.
 */
export type { Agent, AgentFactory, ActOptions, SingleTransition, MultiTransition, Losses } from './agent.js';
export { registerAgent, agentNames, getAgentFactory } from './registry.js';
export * from './baselines/index.js';
