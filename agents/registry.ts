import { ConfigError, quote } from '../src/core/errors.js';
import type { AgentFactory } from './agent.js';

const factories = new Map<string, AgentFactory>();

/** Names made of other names (`attmf+ses`): a pattern for messages and a resolver that builds the factory or returns null. */
const families: { pattern: string; resolve: (name: string) => AgentFactory | null }[] = [];

/** Make an agent available to `faasgym train --agent <name>` and `getAgentFactory`. */
export function registerAgent(factory: AgentFactory): void {
  if (factories.has(factory.name)) throw new ConfigError(`agent ${quote(factory.name)} is already registered`);
  factories.set(factory.name, factory);
}

/**
 * Make a family of composed names available (e.g. `<learner>+ses`, SES around
 * any learner): `resolve(name)` returns the factory for a name of the family,
 * null for other names, and throws a ConfigError for a malformed member.
 */
export function registerAgentFamily(pattern: string, resolve: (name: string) => AgentFactory | null): void {
  families.push({ pattern, resolve });
}

/** Registered agent names (families not included: see `agentFamilies`). */
export function agentNames(): string[] {
  return [...factories.keys()].sort();
}

/** Patterns of the composed names, e.g. `<learner>+ses`. */
export function agentFamilies(): string[] {
  return families.map((f) => f.pattern);
}

export function getAgentFactory(name: string): AgentFactory {
  const f = factories.get(name);
  if (f) return f;
  for (const family of families) {
    const built = family.resolve(name);
    if (built) return built;
  }
  const patterns = agentFamilies();
  throw new ConfigError(`unknown agent ${quote(name)} (available: ${agentNames().join(', ') || 'none'}${patterns.length ? `; or ${patterns.join(', ')}` : ''})`);
}
