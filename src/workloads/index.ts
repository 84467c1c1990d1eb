/**
 * Workloads: load patterns (arrival processes), the Azure Functions trace
 * schema with a synthetic generator, distributions, and the papers'
 * applications as scenario presets.
 */
export { parseDist, sampler, distMean, type Dist, type DistInput } from './dist.js';
export { createArrivalProcess, type ArrivalProcess, type ArrivalOptions, type OpenLoadSpec } from './arrivals.js';
export {
  AZURE_TRACE_KEY_COLUMNS,
  parseAzureTrace,
  readAzureTrace,
  formatAzureTrace,
  type AzureTraceRow,
  type ParseAzureTraceOptions,
} from './azure-trace.js';
export {
  AZURE_TRIGGER_FUNCTION_SHARE,
  AZURE_TRIGGER_INVOCATION_SHARE,
  generateSyntheticTrace,
  type AzureTrigger,
  type SyntheticTraceOptions,
} from './synthetic-trace.js';
export { scaleTraceToLoad, traceTotal } from './trace-shaping.js';
export { samplePoisson, logGamma } from './poisson.js';
export * from './presets/index.js';
