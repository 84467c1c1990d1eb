/**
 * Which real system the twin answers like (docs/twin.md):
 * - `ce`: OpenFaaS Community Edition on faas-netes — the default, since the docs install CE;
 * - `lenient`: the earlier, forgiving behaviour (full FunctionStatus, in-place updates, any replica count, 400 on bad updates).
 */
export type TwinProfile = 'ce' | 'lenient';
export const TWIN_PROFILES: readonly TwinProfile[] = ['ce', 'lenient'];

/** OpenFaaS CE's replica range (openfaas/faas gateway/scaling/ranges.go: DefaultMinReplicas, DefaultMaxReplicas; faas-netes MaxReplicas). */
export const CE_MIN_REPLICAS = 1;
export const CE_MAX_REPLICAS = 5;
