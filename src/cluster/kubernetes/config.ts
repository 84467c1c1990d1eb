/**
 * The validated configuration of the `kubernetes` backend
 * (`make(id, { backend: { kind: 'kubernetes', ... } })`). Every field is
 * checked here, with a `ConfigError` that names it (`backend.gateway.url …`);
 * password files are read once, here, and their contents never appear in a
 * message or a log line.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { ConfigError, quote } from '../../core/errors.js';
import type { PcmFieldMap } from '../pcm-fields.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
import type { KubeconfigSource } from './k8s-client.js';

export interface GatewayConfig {
  /** Gateway base URL, e.g. `http://127.0.0.1:8080`; no credentials in it. */
  url: string;
  /** Basic-auth user. @default "admin" when passwordFile is set */
  user?: string;
  /** File holding the basic-auth password (OpenFaaS: the `basic-auth` secret's `basic-auth-password`). */
  passwordFile?: string;
}

export interface InfluxConfig {
  /** InfluxDB 1.x base URL, e.g. `http://influxdb:8086`. */
  url: string;
  /** Database Telegraf writes to. */
  database: string;
  user?: string;
  passwordFile?: string;
  /** Overrides of the Telegraf defaults (measurement, host tag, field names); see src/cluster/pcm-fields.ts. */
  fieldMap?: Partial<PcmFieldMap>;
  /** A node's latest point older than this (s) is flagged stale. @default 30 */
  freshnessSeconds?: number;
  /** Map from Kubernetes node name to the `host` tag value, where they differ. */
  hostMap?: Record<string, string>;
}

export interface LoadConfig {
  /** Deadline of one request, seconds of wall time. @default 60 */
  requestTimeoutSeconds?: number;
  /** Outstanding open-loop requests at most. @default 1000 */
  maxInflight?: number;
  /** Use `POST /async-function/{name}` (202 = success; latency is the gateway's acceptance). @default false */
  async?: boolean;
  /** Request body. @default "" */
  body?: string;
  /** Function that starts each workflow (default: the first stage without an incoming edge). */
  workflowEntry?: Record<string, string>;
  /** Extra headers per workflow request (e.g. a routing header of a twin). */
  workflowHeaders?: Record<string, Record<string, string>>;
  /** Seed of arrival and think times. @default the scenario's seed */
  seed?: number;
  /** `client`: latency as the load generator waited for it; `gateway`: the gateway's `X-Duration-Seconds`. @default "client" */
  latencyFrom?: 'client' | 'gateway';
}

export interface KubernetesBackendConfig {
  kind: string;
  /** Path to a kubeconfig, or a kubeconfig object. @default KUBECONFIG, ~/.kube/config, or in-cluster */
  kubeconfig?: KubeconfigSource;
  context?: string;
  /** The only namespace touched. @default "openfaas-fn" */
  namespace: string;
  gateway: GatewayConfig;
  /** PCM counters from InfluxDB; absent: node counters are reported missing (flagged). */
  influx?: InfluxConfig | null;
  load: LoadConfig;
  /** Log every intended change and apply none. @default false */
  dryRun: boolean;
  /** Simulated seconds per wall-clock second (a twin's speed-up). @default the gateway's `/system/info` `timeScale`, else 1 */
  timeScale?: number;
  /** Scenario node name → Kubernetes node name, where they differ. */
  nodeMap: Record<string, string>;
  /** Bring the managed functions to the scenario's configuration at the first contact. @default true */
  syncToScenario: boolean;
  /** Deadline of one apply's rollouts, and of close()'s restore, seconds. @default 180, 300 */
  changeTimeoutSeconds: number;
  restoreTimeoutSeconds: number;
  /** Wall seconds between polls of rollouts and replica samples during a window. @default 1 */
  pollSeconds: number;
  /** Memory and CPU requests as a fraction of the limits (the simulator: 1). @default 1 */
  requestRatio: number;
  retry: RetryPolicy;
  /** Where log lines go (dry-run changes, retries, restore); never given a secret. @default stderr unless FAASGYM_QUIET=1 */
  log: (line: string) => void;
  /**
   * Directory of the restore journal (journal.ts): the recorded configuration
   * is written there before the first change and removed after a successful
   * restore, so a killed run is restored by the next one. null: no journal.
   * @default $XDG_STATE_HOME/faasgym/journal (else ~/.local/state/faasgym/journal)
   */
  journalDir: string | null;
}

/** Secrets read from the password files; kept apart from the config so that printing the config shows none. */
export interface BackendSecrets {
  gatewayPassword?: string;
  influxPassword?: string;
}

const TOP = ['kind', 'kubeconfig', 'context', 'namespace', 'gateway', 'influx', 'load', 'dryRun', 'timeScale', 'nodeMap', 'syncToScenario', 'changeTimeoutSeconds', 'restoreTimeoutSeconds', 'pollSeconds', 'requestRatio', 'retry', 'log', 'journalDir'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(field: string, what: string, got: unknown): never {
  throw new ConfigError(`backend.${field} must be ${what}, got ${quote(got)}`);
}

function keysOf(field: string, v: Record<string, unknown>, allowed: string[]): void {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) throw new ConfigError(`backend${field ? `.${field}` : ''}: unknown key ${quote(k)} (expected one of ${allowed.join(', ')})`);
}

function httpUrl(field: string, v: unknown): string {
  if (typeof v !== 'string') bad(field, 'an http(s) URL', v);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return bad(field, 'an http(s) URL', v);
  }
  if (u.username || u.password) throw new ConfigError(`backend.${field} must not hold credentials (use the user and passwordFile fields)`);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') bad(field, 'an http(s) URL', v);
  return v.replace(/\/+$/, '');
}

function str(field: string, v: unknown, optional = true): string | undefined {
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v.length === 0) bad(field, 'a non-empty string', v);
  return v;
}

function num(field: string, v: unknown, fallback: number, check: (x: number) => boolean, what: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) bad(field, what, v);
  return v;
}

function stringMap(field: string, v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (!isObject(v) || Object.values(v).some((x) => typeof x !== 'string' || x.length === 0)) bad(field, 'an object of non-empty strings', v);
  return { ...(v as Record<string, string>) };
}

/** Read a password file once: its content without the trailing newline. The path may be named in errors; the content never is. */
function readSecret(field: string, path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new ConfigError(`backend.${field}: cannot read ${quote(path)} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Validate a `kubernetes` backend config; returns it with defaults applied and the secrets read. */
export function parseKubernetesConfig(input: unknown): { config: KubernetesBackendConfig; secrets: BackendSecrets } {
  if (!isObject(input)) throw new ConfigError(`backend must be an object {kind: "kubernetes", ...}, got ${quote(input)}`);
  keysOf('', input, TOP);
  const secrets: BackendSecrets = {};

  const kubeconfig = input.kubeconfig;
  if (kubeconfig !== undefined && typeof kubeconfig !== 'string' && !isObject(kubeconfig)) bad('kubeconfig', 'a file path or a kubeconfig object', kubeconfig);
  const context = str('context', input.context);
  const namespace = str('namespace', input.namespace) ?? 'openfaas-fn';
  if (!DNS1123.test(namespace) || namespace.length > 63) bad('namespace', 'a Kubernetes namespace name', namespace);

  if (!isObject(input.gateway)) bad('gateway', 'an object {url, user?, passwordFile?}', input.gateway);
  const g = input.gateway as Record<string, unknown>;
  keysOf('gateway', g, ['url', 'user', 'passwordFile']);
  const gateway: GatewayConfig = { url: httpUrl('gateway.url', g.url) };
  const gUser = str('gateway.user', g.user);
  const gPass = str('gateway.passwordFile', g.passwordFile);
  if (gUser !== undefined) gateway.user = gUser;
  if (gPass !== undefined) {
    gateway.passwordFile = gPass;
    gateway.user ??= 'admin';
    secrets.gatewayPassword = readSecret('gateway.passwordFile', gPass);
  }

  let influx: InfluxConfig | null = null;
  if (input.influx !== undefined && input.influx !== null) {
    if (!isObject(input.influx)) bad('influx', 'an object {url, database, ...} or null', input.influx);
    const i = input.influx as Record<string, unknown>;
    keysOf('influx', i, ['url', 'database', 'user', 'passwordFile', 'fieldMap', 'freshnessSeconds', 'hostMap']);
    influx = { url: httpUrl('influx.url', i.url), database: str('influx.database', i.database, false) as string };
    const iUser = str('influx.user', i.user);
    if (iUser !== undefined) influx.user = iUser;
    const iPass = str('influx.passwordFile', i.passwordFile);
    if (iPass !== undefined) {
      influx.passwordFile = iPass;
      secrets.influxPassword = readSecret('influx.passwordFile', iPass);
    }
    if (i.fieldMap !== undefined) {
      if (!isObject(i.fieldMap)) bad('influx.fieldMap', 'an object of field names', i.fieldMap);
      influx.fieldMap = { ...(i.fieldMap as Partial<PcmFieldMap>) };
    }
    influx.freshnessSeconds = num('influx.freshnessSeconds', i.freshnessSeconds, 30, (x) => x > 0, 'a number > 0');
    if (i.hostMap !== undefined) influx.hostMap = stringMap('influx.hostMap', i.hostMap);
  }

  const load: LoadConfig = {};
  if (input.load !== undefined) {
    if (!isObject(input.load)) bad('load', 'an object', input.load);
    const l = input.load as Record<string, unknown>;
    keysOf('load', l, ['requestTimeoutSeconds', 'maxInflight', 'async', 'body', 'workflowEntry', 'workflowHeaders', 'seed', 'latencyFrom']);
    if (l.latencyFrom !== undefined && l.latencyFrom !== 'client' && l.latencyFrom !== 'gateway') bad('load.latencyFrom', '"client" or "gateway"', l.latencyFrom);
    if (l.latencyFrom !== undefined) load.latencyFrom = l.latencyFrom as 'client' | 'gateway';
    load.requestTimeoutSeconds = num('load.requestTimeoutSeconds', l.requestTimeoutSeconds, 60, (x) => x > 0, 'a number > 0');
    load.maxInflight = num('load.maxInflight', l.maxInflight, 1000, (x) => Number.isSafeInteger(x) && x >= 1, 'an integer >= 1');
    if (l.async !== undefined && typeof l.async !== 'boolean') bad('load.async', 'a boolean', l.async);
    load.async = (l.async as boolean | undefined) ?? false;
    if (l.body !== undefined && typeof l.body !== 'string') bad('load.body', 'a string', l.body);
    load.body = (l.body as string | undefined) ?? '';
    if (l.workflowEntry !== undefined) load.workflowEntry = stringMap('load.workflowEntry', l.workflowEntry);
    if (l.workflowHeaders !== undefined) {
      if (!isObject(l.workflowHeaders)) bad('load.workflowHeaders', 'an object {workflow: {header: value}}', l.workflowHeaders);
      load.workflowHeaders = {};
      for (const [wf, h] of Object.entries(l.workflowHeaders as Record<string, unknown>)) load.workflowHeaders[wf] = stringMap(`load.workflowHeaders.${wf}`, h);
    }
    if (l.seed !== undefined) load.seed = num('load.seed', l.seed, 0, (x) => Number.isSafeInteger(x) && x >= 0, 'a non-negative integer');
  }

  if (input.dryRun !== undefined && typeof input.dryRun !== 'boolean') bad('dryRun', 'a boolean', input.dryRun);
  if (input.syncToScenario !== undefined && typeof input.syncToScenario !== 'boolean') bad('syncToScenario', 'a boolean', input.syncToScenario);
  const timeScale = input.timeScale === undefined ? undefined : num('timeScale', input.timeScale, 1, (x) => x > 0, 'a number > 0');

  let retry: RetryPolicy = { ...DEFAULT_RETRY };
  if (input.retry !== undefined) {
    if (!isObject(input.retry)) bad('retry', 'an object', input.retry);
    const r = input.retry as Record<string, unknown>;
    keysOf('retry', r, Object.keys(DEFAULT_RETRY));
    retry = {
      attempts: num('retry.attempts', r.attempts, DEFAULT_RETRY.attempts, (x) => Number.isSafeInteger(x) && x >= 1 && x <= 20, 'an integer in [1, 20]'),
      baseDelayMs: num('retry.baseDelayMs', r.baseDelayMs, DEFAULT_RETRY.baseDelayMs, (x) => x >= 0, 'a number >= 0'),
      maxDelayMs: num('retry.maxDelayMs', r.maxDelayMs, DEFAULT_RETRY.maxDelayMs, (x) => x >= 0, 'a number >= 0'),
      jitter: num('retry.jitter', r.jitter, DEFAULT_RETRY.jitter, (x) => x >= 0 && x <= 1, 'a number in [0, 1]'),
      timeoutMs: num('retry.timeoutMs', r.timeoutMs, DEFAULT_RETRY.timeoutMs, (x) => x > 0, 'a number > 0'),
    };
  }

  if (input.log !== undefined && typeof input.log !== 'function') bad('log', 'a function (line: string) => void', input.log);
  const log = (input.log as ((line: string) => void) | undefined) ?? defaultLog;

  const config: KubernetesBackendConfig = {
    kind: typeof input.kind === 'string' ? input.kind : 'kubernetes',
    ...(kubeconfig !== undefined ? { kubeconfig: kubeconfig as KubeconfigSource } : {}),
    ...(context !== undefined ? { context } : {}),
    namespace,
    gateway,
    influx,
    load,
    dryRun: (input.dryRun as boolean | undefined) ?? false,
    ...(timeScale !== undefined ? { timeScale } : {}),
    nodeMap: stringMap('nodeMap', input.nodeMap),
    syncToScenario: (input.syncToScenario as boolean | undefined) ?? true,
    changeTimeoutSeconds: num('changeTimeoutSeconds', input.changeTimeoutSeconds, 180, (x) => x > 0, 'a number > 0'),
    restoreTimeoutSeconds: num('restoreTimeoutSeconds', input.restoreTimeoutSeconds, 300, (x) => x > 0, 'a number > 0'),
    pollSeconds: num('pollSeconds', input.pollSeconds, 1, (x) => x > 0, 'a number > 0'),
    requestRatio: num('requestRatio', input.requestRatio, 1, (x) => x > 0 && x <= 1, 'a number in (0, 1]'),
    retry,
    log,
    journalDir: input.journalDir === undefined ? defaultJournalDir() : input.journalDir === null ? null : typeof input.journalDir === 'string' && input.journalDir !== '' ? input.journalDir : bad('journalDir', 'a directory path or null', input.journalDir),
  };
  return { config, secrets };
}

function defaultJournalDir(): string {
  const state = process.env.XDG_STATE_HOME && process.env.XDG_STATE_HOME !== '' ? process.env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(state, 'faasgym', 'journal');
}

function defaultLog(line: string): void {
  if (process.env.FAASGYM_QUIET !== '1') process.stderr.write(`[faasgym kubernetes] ${line}\n`);
}
