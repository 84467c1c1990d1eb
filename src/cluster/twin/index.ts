/**
 * The twin: the simulator served over the real cluster APIs (OpenFaaS gateway,
 * a Kubernetes API subset), with fault injection and an InfluxDB PCM writer.
 * See docs/twin.md.
 */
export { Twin, type TwinOptions } from './server.js';
export { FaultInjector, type FaultInfo, type FaultKind, type FaultSpec } from './faults.js';
export { InfluxWriter, parseInfluxUrl, type InfluxWriterOptions, type InfluxWriterStats } from './influx-writer.js';
export { canonicalQuantity, cpuMilliOf, formatCpu, formatMemory, formatQuantity, memoryMbOf, parseQuantity, type Quantity, type QuantityFormat } from './quantity.js';
export { DEFAULT_TWIN_NODES, presetNames, presetScenario, resolveTwinScenario, type PresetScenarioOptions } from './scenario-source.js';
export { type FunctionConfig } from './model.js';
export { DEFAULT_PCM_FIELDS, pcmCountersToFields, pcmFieldsToCounters, resolvePcmFieldMap, type PcmFieldMap } from './pcm-mapping.js';
