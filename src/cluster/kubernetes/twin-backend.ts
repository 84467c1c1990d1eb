/**
 * The `twin` backend: `make(id, { backend: { kind: 'twin', speed: 50 } })`
 * starts the twin (src/cluster/twin) in-process from the environment's own
 * scenario — the OpenFaaS gateway and a Kubernetes API subset on a loopback
 * port, the simulator behind them at `speed` times real time, only faasgym's
 * load generator loading it — and returns a `KubernetesCluster` pointed at it.
 * The whole real-cluster path runs: HTTP load, API calls with retries,
 * rollouts, PCM counters through a real InfluxDB when `influx` is given, and
 * the restore at `close()`, after which the twin stops.
 *
 * Twin-specific fields: `speed` (default 20), `influx` (`{url, database}` of
 * an InfluxDB 1.x the twin writes PCM points to and the backend reads back;
 * default none), `windowMs` and `tickMs` (the twin's clock), `auth` (default
 * true: the gateway checks basic auth with a random password kept in a
 * temporary 0600 file), `pcmNoise`. Every other field is the `kubernetes`
 * backend's (`dryRun`, `load`, `retry`, `syncToScenario`, …). `profile` (default
 * `ce`) picks which real system the twin answers like (docs/twin.md).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, quote } from '../../core/errors.js';
import type { ResolvedScenario, ScenarioSpec } from '../sim/spec.js';
import type { Twin } from '../twin/index.js';
import { TWIN_PROFILES, type TwinProfile } from '../twin/profile.js';
import { KubernetesCluster } from './kubernetes-cluster.js';

const TWIN_KEYS = ['speed', 'influx', 'windowMs', 'tickMs', 'auth', 'pcmNoise', 'profile'];
/** Backend fields the twin sets itself. */
const OWNED = ['kubeconfig', 'context', 'gateway', 'timeScale'];

export interface TwinBackendOptions {
  /** Simulated seconds per wall second. @default 20 */
  speed: number;
  /** InfluxDB 1.x the twin writes PCM points to and the backend reads. */
  influx: { url: string; database: string } | null;
  /** Wall ms per twin metrics window (PCM point, usage); default: 5 simulated seconds, within [20, 1000]. */
  windowMs: number;
  tickMs: number;
  auth: boolean;
  pcmNoise?: number;
  /** Which real system the twin answers like. @default "ce" */
  profile: TwinProfile;
}

/** A `KubernetesCluster` whose cluster is a twin it starts at the first contact and stops at `close()`. */
export class TwinCluster extends KubernetesCluster {
  /** The running twin (null before the first `apply`/`advance`). */
  twin: Twin | null = null;
  /** The twin's function configuration (`Twin.functionConfigs()`) right after it started, before the backend changed anything. */
  initialConfigs: string | null = null;
}

export function parseTwinOptions(config: Record<string, unknown>): TwinBackendOptions {
  for (const k of OWNED) if (config[k] !== undefined) throw new ConfigError(`backend.${k} is set by the twin backend; remove it`);
  const num = (key: string, fallback: number, check: (x: number) => boolean, what: string): number => {
    const v = config[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) throw new ConfigError(`backend.${key} must be ${what}, got ${quote(v)}`);
    return v;
  };
  const speed = num('speed', 20, (x) => x > 0 && x <= 10_000, 'a number in (0, 10000]');
  let influx: TwinBackendOptions['influx'] = null;
  if (config.influx !== undefined && config.influx !== null) {
    const i = config.influx as Record<string, unknown>;
    if (typeof i !== 'object' || typeof i.url !== 'string' || typeof i.database !== 'string') throw new ConfigError(`backend.influx must be {url, database}, got ${quote(config.influx)}`);
    influx = { url: i.url, database: i.database };
  }
  if (config.auth !== undefined && typeof config.auth !== 'boolean') throw new ConfigError(`backend.auth must be a boolean, got ${quote(config.auth)}`);
  const out: TwinBackendOptions = {
    speed,
    influx,
    windowMs: num('windowMs', Math.min(1000, Math.max(20, 5000 / speed)), (x) => x >= 5, 'a number >= 5'),
    tickMs: num('tickMs', 20, (x) => x >= 1, 'a number >= 1'),
    auth: (config.auth as boolean | undefined) ?? true,
    profile: 'ce',
  };
  if (config.profile !== undefined) {
    if (!TWIN_PROFILES.includes(config.profile as TwinProfile)) throw new ConfigError(`backend.profile must be one of ${TWIN_PROFILES.join(', ')}, got ${quote(config.profile)}`);
    out.profile = config.profile as TwinProfile;
  }
  if (config.pcmNoise !== undefined) out.pcmNoise = num('pcmNoise', 0.02, (x) => x >= 0, 'a number >= 0');
  return out;
}

/** Build the twin-backed cluster for one episode (no I/O until the first `apply`/`advance`). */
export function createTwinCluster(scenario: ScenarioSpec | ResolvedScenario, config: unknown): TwinCluster {
  if (typeof config !== 'object' || config === null) throw new ConfigError(`backend must be an object {kind: "twin", ...}, got ${quote(config)}`);
  const all = config as Record<string, unknown>;
  const opts = parseTwinOptions(all);
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) if (!TWIN_KEYS.includes(k)) rest[k] = v;
  const pendingStress = new Map<string, number>();
  let secretDir: string | null = null;
  const hooks = {
    prepare: async (): Promise<Record<string, unknown>> => {
      const { Twin } = await import('../twin/index.js');
      let auth: { user: string; password: string } | null = null;
      let passwordFile: string | undefined;
      if (opts.auth) {
        auth = { user: 'admin', password: randomBytes(18).toString('base64url') };
        secretDir = mkdtempSync(join(tmpdir(), 'faasgym-twin-'));
        passwordFile = join(secretDir, 'basic-auth-password');
        writeFileSync(passwordFile, `${auth.password}\n`, { mode: 0o600 });
      }
      const twin = await Twin.start({
        scenario: cluster.scenario,
        speed: opts.speed,
        windowMs: opts.windowMs,
        tickMs: opts.tickMs,
        internalLoad: false,
        auth,
        profile: opts.profile,
        ...(opts.influx ? { influx: { url: opts.influx.url, database: opts.influx.database } } : {}),
        ...(opts.pcmNoise !== undefined ? { pcmNoise: opts.pcmNoise } : {}),
      });
      cluster.twin = twin;
      cluster.initialConfigs = twin.functionConfigs();
      for (const [node, level] of pendingStress) twin.setStress(node, level);
      const load = (typeof rest.load === 'object' && rest.load !== null ? rest.load : {}) as Record<string, unknown>;
      // The twin runs a whole scenario workflow for a request that names it (X-Faasgym-Workflow);
      // its X-Duration-Seconds is the simulated latency over the speed-up, free of loopback overhead.
      const workflowHeaders: Record<string, Record<string, string>> = {};
      for (const wf of cluster.scenario.workflows) workflowHeaders[wf.name] = { 'X-Faasgym-Workflow': wf.name };
      return {
        kubeconfig: {
          clusters: [{ name: 'twin', server: twin.url, skipTLSVerify: true }],
          // With auth the twin guards its Kubernetes API too; the password goes as a bearer token.
          users: [auth ? { name: 'twin', token: auth.password } : { name: 'twin' }],
          contexts: [{ name: 'twin', cluster: 'twin', user: 'twin', namespace: twin.namespace }],
          currentContext: 'twin',
        },
        gateway: { url: twin.url, ...(auth && passwordFile ? { user: auth.user, passwordFile } : {}) },
        namespace: twin.namespace,
        ...(opts.influx ? { influx: { ...opts.influx, freshnessSeconds: Math.max(1, (4 * opts.windowMs) / 1000) } } : {}),
        load: { latencyFrom: 'gateway', ...load, workflowHeaders: { ...workflowHeaders, ...((load.workflowHeaders as object | undefined) ?? {}) } },
        pollSeconds: rest.pollSeconds ?? Math.max(0.005, Math.min(1, 0.5 / opts.speed)),
        // A twin lives for one episode: nothing is left to restore after a killed run, unless a journal directory is given.
        journalDir: rest.journalDir ?? null,
      };
    },
    release: async (): Promise<void> => {
      try {
        await cluster.twin?.close();
      } finally {
        if (secretDir) rmSync(secretDir, { recursive: true, force: true });
        secretDir = null;
      }
    },
    setStress: (node: string, level: number): void => {
      if (cluster.twin) cluster.twin.setStress(node, level);
      else pendingStress.set(node, level);
    },
  };
  const cluster: TwinCluster = new TwinCluster(scenario, { ...rest, kind: 'kubernetes' }, hooks);
  return cluster;
}
