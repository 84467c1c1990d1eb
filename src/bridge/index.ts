/** The ZeroMQ bridge: `faasgym serve`'s server and the version-1 protocol (docs/bridge-protocol.md). */
export { BridgeServer, DEFAULT_BIND, type BridgeServerOptions, type BridgeEvent, type BridgeStats } from './server.js';
export { HandleTable, type Handle, type HandleTableOptions, type Job } from './handles.js';
export {
  PROTOCOL_VERSION,
  PROTOCOL_VERSIONS,
  COMMANDS,
  BridgeError,
  ProtocolError,
  MessageTooLargeError,
  UnknownCommandError,
  UnknownHandleError,
  LimitExceededError,
  EnvironmentError,
  parseRequest,
  describeError,
  toWire,
  type CommandName,
  type Request,
} from './protocol.js';
export {
  generateKeyPair,
  writeKeyPair,
  readKeyPair,
  readClientKeys,
  parseCertificate,
  formatCertificate,
  isLocalEndpoint,
  checkBindSecurity,
  isZ85Key,
  z85Encode,
  ZapHandler,
  type CurveKeyPair,
} from './curve.js';
export { parseBackendCatalog, readBackendCatalog, simOnlyCatalog, wireConfig, type BackendCatalog } from './backends.js';
export { InProcessHost, WorkerHost, RequestTimeoutError, EnvironmentCrashedError, type EnvHost, type WorkerLimits } from './host.js';
export { parseMakeOptions, type MakeArgsOptions, type WrapperSpec } from './env-ops.js';
export { loadEnvModule, resolveEnvModule } from './env-modules.js';
