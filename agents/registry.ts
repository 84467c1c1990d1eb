import { ConfigError, quote } from '../src/core/errors.js';
import type { AgentFactory } from './agent.js';

const factories = new Map<string, AgentFactory>();

/** Make an agent available to `faasgym train --agent <name>` and `getAgentFactory`. */
export function registerAgent(factory: AgentFactory): void {
  if (factories.has(factory.name)) throw new ConfigError(`agent ${quote(factory.name)} is already registered`);
  factories.set(factory.name, factory);
}

export function agentNames(): string[] {
  return [...factories.keys()].sort();
}

export function getAgentFactory(name: string): AgentFactory {
  const f = factories.get(name);
  if (!f) throw new ConfigError(`unknown agent ${quote(name)} (available: ${agentNames().join(', ') || 'none'})`);
  return f;
}
