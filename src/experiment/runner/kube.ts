/**
 * `faasgym run <file> --emit kubernetes-job`: a Kubernetes Indexed Job that
 * runs the experiment's shards, one completion per shard: the pod with
 * completion index i (the `JOB_COMPLETION_INDEX` Kubernetes sets in Indexed
 * mode) runs `faasgym run <file> --shard i/n` into `/results/shard-i` on the
 * results volume; `faasgym run <file> --merge shard-*` then builds the report
 * (docs/experiments.md, "Sharding on Kubernetes").
 */
import { stringify } from 'yaml';
import { ExperimentError } from './load.js';

export interface KubeJobOptions {
  /** Experiment name (the Job is `faasgym-<name>`). */
  name: string;
  /** The experiment file's path inside the image (or on the volume). */
  file: string;
  image: string;
  shards: number;
  quick?: boolean;
  /** Pods running at once. @default shards */
  parallelism?: number;
  /** Worker processes per pod. @default 1 */
  jobsPerPod?: number;
  /** PersistentVolumeClaim for the results (mounted at /results); without it an emptyDir (results are lost with the pod). */
  resultsClaim?: string;
  namespace?: string;
  /** Requests of one cell (a pod requests jobsPerPod times this). @default 1 CPU, 2Gi */
  cpuPerCell?: number;
  memoryMiPerCell?: number;
  /** The command that runs faasgym in the image. @default faasgym */
  command?: string;
}

function dnsName(s: string): string {
  return `faasgym-${s.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.replace(/-+$/, '').slice(0, 52);
}

const shellQuote = (s: string): string => (/^[A-Za-z0-9_./:=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function kubernetesJob(o: KubeJobOptions): Record<string, unknown> {
  if (!Number.isSafeInteger(o.shards) || o.shards < 1) throw new ExperimentError(`--shards must be a positive integer, got ${o.shards}`);
  if (!o.image) throw new ExperimentError('--emit kubernetes-job needs --image (an image with faasgym installed)');
  const jobs = o.jobsPerPod ?? 1;
  const cpu = (o.cpuPerCell ?? 1) * jobs;
  const mem = (o.memoryMiPerCell ?? 2048) * jobs;
  const name = dnsName(o.name);
  const labels = { 'app.kubernetes.io/name': 'faasgym', 'faasgym.dev/experiment': o.name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').slice(0, 63) };
  const cmd = [o.command ?? 'faasgym', 'run', shellQuote(o.file), '--shard', `"$JOB_COMPLETION_INDEX/${o.shards}"`, '--out', '"/results/shard-$JOB_COMPLETION_INDEX"', '--jobs', String(jobs), ...(o.quick ? ['--quick'] : [])].join(' ');
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, ...(o.namespace ? { namespace: o.namespace } : {}), labels },
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: o.parallelism ?? o.shards,
      backoffLimit: 2 * o.shards,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'OnFailure',
          containers: [
            {
              name: 'faasgym',
              image: o.image,
              command: ['sh', '-c', cmd],
              env: [{ name: 'FAASGYM_QUIET', value: '1' }],
              resources: { requests: { cpu: String(cpu), memory: `${mem}Mi` }, limits: { memory: `${mem}Mi` } },
              volumeMounts: [{ name: 'results', mountPath: '/results' }],
            },
          ],
          volumes: [o.resultsClaim ? { name: 'results', persistentVolumeClaim: { claimName: o.resultsClaim } } : { name: 'results', emptyDir: {} }],
        },
      },
    },
  };
}

export function kubernetesJobYaml(o: KubeJobOptions): string {
  return `# faasgym run ${o.file}${o.quick ? ' --quick' : ''}: ${o.shards} shards as a Kubernetes Indexed Job.\n# kubectl apply -f job.yaml; kubectl wait --for=condition=complete job/${dnsName(o.name)} --timeout=24h\n# then copy /results from the volume and run: faasgym run ${o.file} --merge results/shard-*\n${stringify(kubernetesJob(o))}`;
}
