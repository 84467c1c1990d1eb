/**
 * What a twin serves: a scenario object, a scenario file (`.yaml`, `.yml`,
 * `.json`), or the name of a workload preset (src/workloads/presets), around
 * which a default scenario is built: the preset's functions and workflows, its
 * nodes (or four 8-core 16 GiB nodes when it has none), and a modest open-loop
 * load of `rate` Poisson requests per second on each workflow (each function
 * when there are no workflows); `rate` 0 runs no load of its own.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { ConfigError, quote } from '../../core/errors.js';
import { loadScenarioFile, resolveScenario } from '../sim/scenario.js';
import type { LoadSpec, ResolvedScenario, ScenarioSpec, SimNodeSpec } from '../sim/spec.js';
import { preset, presets } from '../../workloads/presets/index.js';

/** Nodes of a preset that names none. */
export const DEFAULT_TWIN_NODES: readonly SimNodeSpec[] = Object.freeze(
  Array.from({ length: 4 }, (_, i) => Object.freeze({ name: `node-${i + 1}`, cores: 8, memoryMb: 16384, cpuModel: '8-core VM' })),
);

export interface PresetScenarioOptions {
  /** Poisson requests per second on each workflow (or function). @default 0.5 */
  rate?: number;
  /** @default 0 */
  seed?: number;
}

export function presetNames(): string[] {
  return Object.keys(presets);
}

/** The default twin scenario around a preset (see the module comment). */
export function presetScenario(name: string, opts: PresetScenarioOptions = {}): ResolvedScenario {
  const rate = opts.rate ?? 0.5;
  if (!(rate >= 0) || !Number.isFinite(rate)) throw new ConfigError(`rate must be a finite number >= 0, got ${quote(opts.rate)}`);
  const frag = preset(name);
  const targets = frag.workflows.length > 0 ? frag.workflows.map((w) => w.name) : frag.functions.map((f) => f.name);
  const loads: LoadSpec[] = rate > 0 ? targets.map((target) => ({ kind: 'poisson', target, rate })) : [];
  const spec: ScenarioSpec = {
    name: `twin-${name}`,
    seed: opts.seed ?? 0,
    duration: 86_400,
    nodes: frag.nodes ?? DEFAULT_TWIN_NODES.map((n) => ({ ...n })),
    functions: frag.functions,
    workflows: frag.workflows,
    loads,
  };
  return resolveScenario(spec);
}

/** A scenario from an object, a file path, or a preset name. */
export function resolveTwinScenario(source: string | ScenarioSpec | ResolvedScenario, opts: PresetScenarioOptions = {}): ResolvedScenario {
  if (typeof source !== 'string') return resolveScenario(source);
  const ext = extname(source).toLowerCase();
  if (ext === '.yaml' || ext === '.yml' || ext === '.json' || existsSync(source)) return loadScenarioFile(source);
  if (Object.prototype.hasOwnProperty.call(presets, source)) return presetScenario(source, opts);
  throw new ConfigError(`scenario ${quote(source)} is neither a scenario file (.yaml, .yml, .json) nor a preset (${presetNames().join(', ')})`);
}
