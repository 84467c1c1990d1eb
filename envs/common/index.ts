export { parseConfig, schemaTable, type ConfigSchema, type ConfigOf, type FieldSpec } from './config.js';
export { parseBackend, createCluster, registerBackend, backendKinds, isSimulated, type BackendConfig, type BackendFactory } from './backend.js';
