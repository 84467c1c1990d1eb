/** The shape every preset has: a scenario without loads, duration or seed. */
import type { SimFunctionSpec, SimNodeSpec, SimWorkflowSpec } from '../../cluster/sim/spec.js';

/**
 * A part of a `ScenarioSpec`: the functions and workflows of one paper's
 * application, and the paper's cluster where it gives one. Environments add
 * loads, duration and seed.
 */
export interface ScenarioFragment {
  functions: SimFunctionSpec[];
  workflows: SimWorkflowSpec[];
  nodes?: SimNodeSpec[];
}
