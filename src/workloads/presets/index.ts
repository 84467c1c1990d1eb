/**
 * The papers' applications as scenario fragments, by name. `presets` holds
 * frozen objects (share them, do not mutate them); `preset(name)` returns a
 * mutable deep copy.
 */
import { ConfigError, quote } from '../../core/errors.js';
import { darlyVideo } from './darly.js';
import { faasconfBranch, faasconfParallel, faasconfSequential, faasconfTrainTicket } from './faasconf.js';
import { faasrank } from './faasrank.js';
import type { ScenarioFragment } from './fragment.js';
import { stepconfDag16, stepconfMl, stepconfVideo } from './stepconf.js';
import { vhiveOnlineShop } from './vhive.js';

export type { ScenarioFragment } from './fragment.js';
export { faasconfBranch, faasconfNodes, faasconfParallel, faasconfPresets, faasconfSequential, faasconfTrainTicket } from './faasconf.js';
export { STEPCONF_MB_PER_VCPU, stepconfDag16, stepconfMl, stepconfNodes, stepconfPresets, stepconfVideo } from './stepconf.js';
export { vhiveNodes, vhiveOnlineShop } from './vhive.js';
export {
  FAASRANK_TABLE2,
  FAASRANK_TABLE3,
  FAASRANK_SYNTHETIC_DEFAULTS,
  faasrank,
  faasrankCpuSeconds,
  faasrankFunctions,
  faasrankLoads,
  faasrankNodes,
  faasrankWorkScale,
  type FaasrankFunctionRow,
  type FaasrankLoadOptions,
  type FaasrankWorkloadName,
  type FaasrankWorkloadRow,
} from './faasrank.js';
export { DARLY_MIGRATE_ONLY, DARLY_ML_INTERFERENCE_SENSITIVITY, darlyNodes, darlyVideo } from './darly.js';

/** Preset names. */
export type PresetName =
  | 'faasconf-sequential'
  | 'faasconf-parallel'
  | 'faasconf-branch'
  | 'faasconf-trainticket'
  | 'stepconf-ml'
  | 'stepconf-video'
  | 'stepconf-dag16'
  | 'vhive-online-shop'
  | 'faasrank'
  | 'darly-video';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Every preset by name (deep-frozen). */
export const presets: Readonly<Record<PresetName, ScenarioFragment>> = deepFreeze({
  'faasconf-sequential': faasconfSequential,
  'faasconf-parallel': faasconfParallel,
  'faasconf-branch': faasconfBranch,
  'faasconf-trainticket': faasconfTrainTicket,
  'stepconf-ml': stepconfMl,
  'stepconf-video': stepconfVideo,
  'stepconf-dag16': stepconfDag16,
  'vhive-online-shop': vhiveOnlineShop,
  faasrank,
  'darly-video': darlyVideo,
});

/** A mutable deep copy of a preset; ConfigError listing the known names if `name` is unknown. */
export function preset(name: string): ScenarioFragment {
  if (!Object.prototype.hasOwnProperty.call(presets, name)) {
    throw new ConfigError(`unknown preset ${quote(name)}; known: ${Object.keys(presets).join(', ')}`);
  }
  return structuredClone(presets[name as PresetName]);
}
