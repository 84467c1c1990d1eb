/**
 * The reward of one Darly step: eq. (3) of §4.3.4 (`darlyReward`) on the
 * request's latency and the resources the workflow held while it ran.
 */
import { darlyReward } from '../../src/cluster/cost.js';

export interface DarlyStepInput {
  /** L_a: end-to-end latency, seconds; null or Infinity for a failed request. */
  latency: number | null;
  /** L_t: the request's QoS target, seconds. */
  qosTarget: number;
  /** sp: servers hosting at least one replica, time-averaged over the request's window (`ClusterSnapshot.cost.servers`). */
  servers: number;
  /** N: servers of the cluster. */
  serversTotal: number;
  /** r: replicas of all functions, time-averaged over the window (`ClusterSnapshot.cost.replicas`). */
  replicas: number;
  /** Rs: the sum of the functions' maximum replica counts. */
  maxReplicas: number;
  k1: number;
  k2: number;
  k3: number;
}

/**
 * Eq. (3) with sp ≤ N and r ≤ Rs enforced: during a rolling update the old and
 * the new replica briefly coexist, so the time averages can pass the maxima;
 * they are clipped to them (`darlyReward` itself takes sp, r < 1 as 1).
 */
export function darlyStepReward(x: DarlyStepInput): number {
  return darlyReward({
    latency: x.latency === null ? Infinity : x.latency,
    qosTarget: x.qosTarget,
    serversUsed: Math.min(x.servers, x.serversTotal),
    serversTotal: x.serversTotal,
    replicas: Math.min(x.replicas, x.maxReplicas),
    maxReplicas: x.maxReplicas,
    k1: x.k1,
    k2: x.k2,
    k3: x.k3,
  });
}
