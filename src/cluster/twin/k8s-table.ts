/**
 * meta.k8s.io/v1 Tables: kubectl's server-side printing (`kubectl get` asks
 * for `as=Table`), with the columns and cells the API server gives
 * Deployments, Pods, Nodes and Namespaces, ages in kubectl's short form, and
 * each row's object as `includeObject` asks (None, Object, or metadata only).
 */
import { FUNCTION_LABEL } from './model.js';
import { isObj, type Obj } from './k8s-meta.js';

interface Column { name: string; type: string; format?: string; description: string; priority: number }

const NAME_COLUMN: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 };
const AGE_COLUMN: Column = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 };

/** kubectl's short durations: 45s, 3m12s, 17m, 5h3m, 30h, 4d. */
export function humanAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

function ageOf(obj: Obj, nowMs: number): string {
  const created = Date.parse(String((obj.metadata as Obj).creationTimestamp));
  return humanAge((nowMs - created) / 1000);
}

function rowObject(obj: Obj, include: string): Obj | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

function table(columns: Column[], objs: Obj[], cells: (o: Obj) => unknown[], resourceVersion: string, include: string): Obj {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns,
    rows: objs.map((o) => {
      const object = rowObject(o, include);
      return { cells: cells(o), ...(object ? { object } : {}) };
    }),
  };
}

export function toTable(kind: 'Deployment' | 'Pod' | 'Node' | 'Namespace', objs: Obj[], resourceVersion: string, include: string, nowMs: number): Obj {
  switch (kind) {
    case 'Deployment':
      return table(
        [
          NAME_COLUMN,
          { name: 'Ready', type: 'string', description: 'Number of the pod with ready state', priority: 0 },
          { name: 'Up-to-date', type: 'integer', description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', priority: 0 },
          { name: 'Available', type: 'integer', description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', priority: 0 },
          AGE_COLUMN,
          { name: 'Containers', type: 'string', description: 'Names of each container in the template.', priority: 1 },
          { name: 'Images', type: 'string', description: 'Images referenced by each container in the template.', priority: 1 },
          { name: 'Selector', type: 'string', description: 'Label selector for pods.', priority: 1 },
        ],
        objs,
        (o) => {
          const spec = o.spec as Obj, st = o.status as Obj, meta = o.metadata as Obj;
          const c = ((spec.template as Obj).spec as Obj).containers as Obj[];
          return [meta.name, `${(st.readyReplicas as number) ?? 0}/${spec.replicas as number}`, (st.updatedReplicas as number) ?? 0, (st.availableReplicas as number) ?? 0, ageOf(o, nowMs),
            c.map((x) => x.name).join(','), c.map((x) => x.image).join(','), `${FUNCTION_LABEL}=${meta.name as string}`];
        },
        resourceVersion, include,
      );
    case 'Pod':
      return table(
        [
          NAME_COLUMN,
          { name: 'Ready', type: 'string', description: 'The aggregate readiness state of this pod for accepting traffic.', priority: 0 },
          { name: 'Status', type: 'string', description: 'The aggregate status of the containers in this pod.', priority: 0 },
          { name: 'Restarts', type: 'string', description: 'The number of times the containers in this pod have been restarted.', priority: 0 },
          AGE_COLUMN,
          { name: 'IP', type: 'string', description: 'IP address allocated to the pod.', priority: 1 },
          { name: 'Node', type: 'string', description: 'Name of the node this pod runs on.', priority: 1 },
        ],
        objs,
        (o) => {
          const meta = o.metadata as Obj, st = o.status as Obj;
          const cs = (st.containerStatuses as Obj[] | undefined)?.[0];
          const waiting = cs && isObj(cs.state) && isObj(cs.state.waiting) ? String(cs.state.waiting.reason) : null;
          const unsched = !cs;
          const statusText = meta.deletionTimestamp ? 'Terminating' : unsched ? 'Pending' : waiting ?? String(st.phase);
          return [meta.name, `${cs?.ready ? 1 : 0}/1`, statusText, '0', ageOf(o, nowMs), (st.podIP as string) ?? '<none>', ((o.spec as Obj).nodeName as string) ?? '<none>'];
        },
        resourceVersion, include,
      );
    case 'Node':
      return table(
        [
          NAME_COLUMN,
          { name: 'Status', type: 'string', description: 'The status of the node', priority: 0 },
          { name: 'Roles', type: 'string', description: 'The roles of the node', priority: 0 },
          AGE_COLUMN,
          { name: 'Version', type: 'string', description: 'Kubelet Version reported by the node.', priority: 0 },
          { name: 'Internal-IP', type: 'string', description: 'List of addresses reachable to the node.', priority: 1 },
          { name: 'OS-Image', type: 'string', description: 'OS image reported by the node.', priority: 1 },
        ],
        objs,
        (o) => {
          const meta = o.metadata as Obj, st = o.status as Obj;
          const info = st.nodeInfo as Obj;
          return [meta.name, 'Ready', '<none>', ageOf(o, nowMs), info.kubeletVersion, ((st.addresses as Obj[])[0] as Obj).address, info.osImage];
        },
        resourceVersion, include,
      );
    case 'Namespace':
      return table(
        [NAME_COLUMN, { name: 'Status', type: 'string', description: 'The status of the namespace', priority: 0 }, AGE_COLUMN],
        objs,
        (o) => [(o.metadata as Obj).name, 'Active', ageOf(o, nowMs)],
        resourceVersion, include,
      );
  }
}
