/** `faasgym twin`: serve a simulated cluster over the OpenFaaS gateway and Kubernetes APIs (docs/twin.md). */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, quote } from '../../core/errors.js';
import type { TwinProfile } from '../../cluster/twin/profile.js';
import { Twin } from '../../cluster/twin/server.js';
import { presetNames } from '../../cluster/twin/scenario-source.js';
import { intOption, numberOption } from './options.js';

interface TwinCliOptions {
  scenario: string;
  port: number;
  host: string;
  speed: number;
  influx?: string;
  user?: string;
  passwordFile?: string;
  rate: number;
  load: boolean;
  namespace: string;
  json?: boolean;
  allowRemote?: boolean;
  maxReplicas: number;
  profile: string;
}

/** Read a password file: its first line, without the line break. */
export function readPasswordFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`--password-file ${quote(path)}: cannot read it: ${(err as Error).message}`);
  }
  const password = text.split(/\r?\n/)[0] ?? '';
  if (password === '') throw new ConfigError(`--password-file ${quote(path)}: the first line (the password) is empty`);
  return password;
}

/** `twin` runs until SIGINT or SIGTERM, then closes gracefully. */
export function registerTwinCommand(program: Command, out: (s: string) => void, err: (s: string) => void = (s) => process.stderr.write(s)): void {
  program
    .command('twin')
    .description('serve a simulated cluster over the real APIs (OpenFaaS gateway + Kubernetes API subset) in real or accelerated time; runs until SIGINT/SIGTERM')
    .requiredOption('--scenario <id>', `scenario file (.yaml, .yml, .json), environment id (FaaSConf-Sequential-v0, …) or preset name (${presetNames().join(', ')})`)
    .option('--port <n>', 'TCP port (0: any free port)', intOption('--port'), 8080)
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .option('--speed <x>', 'simulated seconds per wall-clock second', numberOption('--speed'), 1)
    .option('--influx <url>', 'write PCM counters to this InfluxDB 1.x (http://host:8086/database) as Telegraf would')
    .option('--user <name>', 'basic-auth user for /system/* and /_twin/* (needs --password-file)')
    .option('--password-file <file>', 'file whose first line is the basic-auth password (user defaults to admin)')
    .option('--rate <r>', 'requests per second of the default load around a preset (per workflow or function)', numberOption('--rate', true), 0.5)
    .option('--no-load', "run no load of the scenario's own (only HTTP invocations)")
    .option('--namespace <ns>', 'namespace of the functions', 'openfaas-fn')
    .option('--json', 'print the start-up and stop lines as JSON')
    .option('--profile <name>', 'which real system to answer like: ce (OpenFaaS CE on faas-netes) or lenient (docs/twin.md)', 'ce')
    .option('--max-replicas <n>', 'most replicas a function may ask for (more: 422); what the nodes cannot hold stays Pending', intOption('--max-replicas'), 100)
    .option('--allow-remote', 'allow a non-loopback --host (needs --password-file; auth then guards the gateway and the Kubernetes API)')
    .action(async (opts: TwinCliOptions) => {
      if (opts.port > 65535) throw new ConfigError(`--port must be at most 65535, got ${opts.port}`);
      if (opts.user !== undefined && opts.passwordFile === undefined) throw new ConfigError('--user needs --password-file');
      const auth = opts.passwordFile !== undefined ? { user: opts.user ?? 'admin', password: readPasswordFile(opts.passwordFile) } : null;
      // An environment id serves the cluster that environment simulates.
      const { isEnvId, envScenario } = await import('../env-scenario.js');
      const twin = await Twin.start({
        scenario: isEnvId(opts.scenario) ? await envScenario(opts.scenario) : opts.scenario,
        port: opts.port,
        host: opts.host,
        speed: opts.speed,
        influx: opts.influx ?? null,
        auth,
        presetRate: opts.rate,
        internalLoad: opts.load,
        namespace: opts.namespace,
        profile: opts.profile as TwinProfile,
        maxReplicas: opts.maxReplicas,
        allowRemote: opts.allowRemote === true,
        onError: (e) => err(`faasgym twin: ${e.message}\n`),
      });
      const nodes = twin.cluster.nodes().length;
      const fns = twin.cluster.functions().length;
      if (opts.json) {
        out(`${JSON.stringify({ event: 'listening', url: twin.url, port: twin.port, scenario: twin.cluster.scenario.name, speed: twin.speed, nodes, functions: fns, namespace: twin.namespace, auth: auth !== null, influx: twin.influx?.database ?? null, pid: process.pid })}\n`);
      } else {
        out(`faasgym twin: serving ${twin.cluster.scenario.name} at ${twin.url} (speed ${twin.speed}x, ${nodes} nodes, ${fns} functions in ${twin.namespace}${auth ? ', basic auth on /system' : ''}${twin.influx ? `, PCM to InfluxDB database ${twin.influx.database}` : ''}); Ctrl-C stops\n`);
        out(`  kubectl --server ${twin.url} get deployments -n ${twin.namespace}\n`);
      }
      await new Promise<void>((done) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          done();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      const simulated = twin.simTime();
      await twin.close();
      if (opts.json) out(`${JSON.stringify({ event: 'stopped', simulatedSeconds: simulated })}\n`);
      else out(`faasgym twin: stopped after ${simulated.toFixed(1)} simulated seconds\n`);
    });
}
