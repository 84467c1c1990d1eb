/**
 * The twin: the simulator served over the real cluster APIs (OpenFaaS gateway,
 * a Kubernetes API subset), with fault injection and an InfluxDB PCM writer.
 * See docs/twin.md.
 */
export { Twin } from './server.js';
export { FaultInjector } from './faults.js';
export { InfluxWriter, parseInfluxUrl } from './influx-writer.js';
