/**
 * The real-cluster backend (Kubernetes + OpenFaaS + InfluxDB/PCM + HTTP load)
 * and the twin-backed variant. See docs/real-cluster.md. `@kubernetes/client-node`
 * is loaded only when a cluster first connects (it takes seconds to import),
 * so this barrel exports the Kubernetes client's types, not the client.
 */
export { KubernetesCluster, NODE_CPU_MODEL_KEY, NODE_L3_MB_KEY, NODE_SPEED_KEY, type KubernetesClusterHooks } from './kubernetes-cluster.js';
export { TwinCluster, createTwinCluster, parseTwinOptions, type TwinBackendOptions } from './twin-backend.js';
export { parseKubernetesConfig, type BackendSecrets, type GatewayConfig, type InfluxConfig, type KubernetesBackendConfig, type LoadConfig } from './config.js';
export { GatewayClient, deploymentOf, type FunctionDeployment, type FunctionResources, type FunctionStatus, type GatewayClientOptions, type InvokeResult } from './gateway-client.js';
export { LoadGenerator, type LoadGeneratorOptions, type SendResult, type TargetWindow } from './load-generator.js';
export { SafetyLedger, mergePatchDiff, placementPatch, recordOf, templateRestorePatch, type FunctionRecord, type RestoreOps, type Touched } from './safety.js';
export { RestoreJournal } from './journal.js';
export { BackendRequestError, DEFAULT_RETRY, backoffMs, withRetries, type RetryPolicy } from './retry.js';
export { FUNCTION_LABEL, HOSTNAME_LABEL, rolloutState, type RolloutState } from './rollout.js';
export type { InfluxReader, InfluxReaderOptions, NodePcmReading, PcmWindowResult } from './influx-reader.js';
export type { K8sClient, K8sClientOptions, KubeconfigSource } from './k8s-client.js';
