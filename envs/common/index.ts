export { parseConfig, schemaTable, checkOrder, type ConfigSchema, type ConfigOf } from './config.js';
export { parseBackend, createCluster, registerBackend, backendKinds, isSimulated, type BackendConfig, type BackendFactory } from './backend.js';
