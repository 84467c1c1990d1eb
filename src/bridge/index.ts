/** The ZeroMQ bridge: `faasgym serve`'s server and the version-1 protocol (docs/bridge-protocol.md). */
export { BridgeServer, type BridgeEvent } from './server.js';
export { HandleTable } from './handles.js';
export {
  parseRequest,
  describeError,
  toWire,
} from './protocol.js';
export {
  generateKeyPair,
  readClientKeys,
  parseCertificate,
  formatCertificate,
  isLocalEndpoint,
  checkBindSecurity,
  z85Encode,
} from './curve.js';
export { parseBackendCatalog, readBackendCatalog, wireConfig } from './backends.js';
