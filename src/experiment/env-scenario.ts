/**
 * The scenario an environment id simulates, so that `faasgym twin --scenario
 * FaaSConf-Sequential-v0` serves the very cluster `make('FaaSConf-Sequential-v0')`
 * trains on (the README promises one id on every backend).
 *
 * Environments build their scenario inside `reset` and hand it to a backend;
 * this asks for it through a backend that only records what it is given.
 */
import { registerBackend } from '../../envs/index.js';
import type { ResolvedScenario, ScenarioSpec } from '../cluster/sim/spec.js';
import { ConfigError, quote } from '../core/errors.js';
import { make, registry } from '../registry/index.js';

const CAPTURE = 'faasgym-scenario-capture';

class Captured extends Error {
  constructor(readonly scenario: ScenarioSpec | ResolvedScenario) {
    super('scenario captured');
  }
}

let registered = false;

/** True when `id` is a registered environment id. */
export function isEnvId(id: string): boolean {
  return registry.list().some((s) => s.id === id);
}

/** The scenario of `id`'s first episode under `seed` (its nodes, functions, workflows and load). */
export async function envScenario(id: string, seed = 0, config: Record<string, unknown> = {}): Promise<ScenarioSpec | ResolvedScenario> {
  if (!registered) {
    registerBackend(CAPTURE, (scenario) => {
      throw new Captured(scenario);
    });
    registered = true;
  }
  const none = new ConfigError(`${quote(id)} runs no simulated cluster (it is not a serverless environment), so there is nothing for a twin to serve`);
  let env;
  try {
    env = make(id, { ...config, backend: { kind: CAPTURE } });
  } catch (err) {
    if (err instanceof Captured) return err.scenario; // built while checking the backend (FaaSConf's azure-dynamic probe)
    // An environment that takes no backend at all (CartPole) refuses the key; one that does fails for another reason.
    const plain = (() => {
      try {
        return make(id, config);
      } catch {
        return null;
      }
    })();
    if (plain) {
      await plain.close();
      throw none;
    }
    throw err;
  }
  try {
    await env.reset({ seed });
  } catch (err) {
    if (err instanceof Captured) return err.scenario;
    throw err;
  } finally {
    await env.close().catch(() => undefined);
  }
  throw none;
}
