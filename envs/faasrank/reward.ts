/**
 * The FaaSRank reward, eq. (8) of 003 §IV-C: after the i-th action,
 * r_i = −(t_i − t_{i−1}) · F_i, where F_i is the number of invocations in
 * flight in the FaaS system during [t_{i−1}, t_i].
 *
 * The count changes inside the interval (invocations arrive and finish), so
 * the exact form of F_i is its time average over the interval, and
 * −(t_i − t_{i−1}) · F_i = −∫ F(t) dt over [t_{i−1}, t_i]. The environment
 * takes the integral from the cluster (`DecisionControl.inflightIntegral`,
 * exact in the simulator), so that the rewards of an episode sum to minus the
 * total function completion time, Σ_f c_f (eq. 3 × |S|): the objective the
 * paper's cumulative reward "approximates" is met exactly.
 */

/** Eq. (8) with `meanInflight` the (time-average) in-flight count over an interval of `seconds`. */
export function faasrankReward(seconds: number, meanInflight: number): number {
  return -(seconds * meanInflight);
}

/** Eq. (8) from two readings of the in-flight integral (invocation-seconds): −(I(t_i) − I(t_{i−1})). */
export function rewardFromIntegral(previous: number, current: number): number {
  return -(current - previous);
}
