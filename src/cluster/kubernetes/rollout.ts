/**
 * Names and rules of Kubernetes objects the backend relies on, without
 * loading `@kubernetes/client-node` (which takes seconds to import; the
 * backend loads it only when it connects).
 */
import type { V1Deployment } from '@kubernetes/client-node';

/** Label faas-netes puts on a function's Deployment and pods. */
export const FUNCTION_LABEL = 'faas_function';
/** The node label placement uses. */
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** Rollout progress of a Deployment, as `kubectl rollout status` reads it. */
export interface RolloutState {
  done: boolean;
  /** What is still missing, for messages. */
  detail: string;
}

export function rolloutState(d: V1Deployment): RolloutState {
  const gen = d.metadata?.generation ?? 0;
  const st = d.status ?? {};
  const want = d.spec?.replicas ?? 1;
  if ((st.observedGeneration ?? 0) < gen) return { done: false, detail: `observed generation ${st.observedGeneration ?? 0} < ${gen}` };
  const cond = st.conditions?.find((c) => c.type === 'Progressing');
  if (cond?.reason === 'ProgressDeadlineExceeded') return { done: false, detail: 'progress deadline exceeded' };
  const updated = st.updatedReplicas ?? 0, total = st.replicas ?? 0, available = st.availableReplicas ?? 0;
  if (updated < want) return { done: false, detail: `${updated} of ${want} replicas updated` };
  if (total > updated) return { done: false, detail: `${total - updated} old replicas pending termination` };
  if (available < updated) return { done: false, detail: `${available} of ${updated} updated replicas available` };
  return { done: true, detail: `${available} replicas available` };
}

