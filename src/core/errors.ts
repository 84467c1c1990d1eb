/**
 * Typed errors of faasgym. Every error the library throws on purpose is a
 * `FaasgymError`, so callers (and the bridge, which sends `error.name` across
 * the wire) can tell a bad action from a broken cluster without parsing text.
 */
export class FaasgymError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An action that is not an element of the environment's action space. */
export class InvalidActionError extends FaasgymError {}

/** `step` was called before the first `reset`, or after the episode ended. */
export class ResetNeededError extends FaasgymError {}

/** A configuration value (env config, scenario, CLI option, registry entry) is invalid. */
export class ConfigError extends FaasgymError {}

/**
 * The simulator stopped one `advance()` that exceeded its event or memory
 * budget (a load far beyond what a step can simulate); the cluster is closed.
 */
export class SimulationBudgetError extends ConfigError {}

/** A space was constructed with invalid arguments, or its JSON form is malformed. */
export class SpaceError extends FaasgymError {}

/** The cluster backend (Kubernetes, gateway, InfluxDB, twin) failed after its bounded retries. */
export class BackendError extends FaasgymError {}

/** Render any value for an error message: short, unambiguous, never throws. */
export function quote(value: unknown, max = 120): string {
  let text: string;
  if (typeof value === 'number') text = Object.is(value, -0) ? '-0' : String(value);
  else if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (value === undefined) text = 'undefined';
  else if (typeof value === 'function') text = `[function ${value.name || 'anonymous'}]`;
  else if (ArrayBuffer.isView(value)) text = `${value.constructor.name}[${Array.from(value as unknown as ArrayLike<number>).join(',')}]`;
  else {
    try {
      text = JSON.stringify(value, (_k, v: unknown) =>
        typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
      ) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
