/**
 * The experiment file (`configs/experiments/*.yaml`): its zod schema (the one
 * description of the format: validation, `faasgym run --schema`'s JSON Schema
 * and the reference in docs/experiments.md all come from it) and the checks
 * that need the registries (env ids, agent names and options, metrics,
 * claims). Everything wrong in a file is reported at once, each line naming
 * the field's path and the value, before anything runs.
 */
import { z } from '../../core/schema.js';

const PROTOCOLS = ['greedy', 'best-found', 'training'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

const msg = (what: string) => ({ error: `expected ${what}` });
const posInt = (what = 'a positive integer') => z.number(msg(what)).int(msg(what)).positive(msg(what));
const nonNegInt = (what = 'an integer >= 0') => z.number(msg(what)).int(msg(what)).nonnegative(msg(what));
const text = (what = 'a non-empty string') => z.string(msg(what)).min(1, msg(what));
const finite = (what = 'a finite number') => z.number(msg(what));
const mapping = (what: string) => z.record(z.string(), z.unknown(), msg(`a mapping of ${what}`));
/** Labels and env labels: safe in folder names. */
const label = (what: string) => z.string(msg(what)).regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, msg(`${what} made of letters, digits and . _ + - (starting with a letter or digit)`));

const EnvEntry = z
  .strictObject({
    id: text('a registered environment id (faasgym envs)').meta({ description: 'Registered environment id, e.g. `FaaSConf-Sequential-v0` (`faasgym envs` lists them).' }),
    label: label('an env label').optional().meta({ description: 'Name shown in the report and used in cell ids (default: the id); needed when one id appears twice with different configs.' }),
    config: mapping('env config keys to values').optional().meta({ description: 'Config for `make(id, config)` (the env reference lists its keys).' }),
    backend: z.union([z.string(), mapping('backend settings')], msg('a backend kind or {kind, ...}')).optional().meta({ description: 'Backend (`sim` by default; `kubernetes`, `twin`): put into the config as `backend`.' }),
  })
  .meta({ description: 'One environment of the grid.' });

const AgentEntry = z
  .strictObject({
    agent: text('a registered agent name (faasgym train --help lists them)').meta({ description: 'Registered agent: a learner (`dqn`, `ppo`, `ddpg`, `maddpg`, `meanfield`, `attmf`), `<learner>+ses`, or a baseline (`random-search`, `hpa`, `ow-hashing`, …).' }),
    label: label('an agent label').optional().meta({ description: 'Name in the report, claims and cell ids (default: the agent name); unique per experiment.' }),
    options: mapping('agent options').optional().meta({ description: "Agent options over its zoo entry (configs/zoo/<agent>.yaml), validated by the agent's option schema." }),
    budget: posInt().optional().meta({ description: "Environment steps for this agent's cells (overrides `budget`)." }),
    zoo: z.boolean(msg('true or false')).optional().meta({ description: 'Start from the zoo entry of the agent on the env (default true).' }),
    envs: z.array(label('an env label'), msg('a list of env labels')).min(1, msg('at least one env label')).optional().meta({ description: 'Run this agent only on these envs (labels); default: every env.' }),
  })
  .meta({ description: 'One agent of the grid.' });

const Budget = z
  .union([posInt(), z.strictObject({ steps: posInt().optional(), perAgent: z.record(z.string(), posInt()).optional() })], msg('a positive integer or {steps, perAgent}'))
  .meta({ description: 'Environment steps per cell (a number), or `{steps, perAgent: {label: steps}}`. Default: the zoo entry, else 100000. Baselines that do not learn or search are only evaluated.' });

const Verify = z.strictObject({
  candidates: nonNegInt().optional().meta({ description: 'Cheapest QoS-meeting configurations re-measured at the end of the budget (default 8, at most a tenth of the budget).' }),
  episodes: posInt().optional().meta({ description: 'Episodes each candidate is held for (default 3).' }),
  windows: z.number(msg('an integer >= 2')).int(msg('an integer >= 2')).min(2, msg('an integer >= 2')).optional().meta({ description: 'Windows per episode (default 11; the first is not scored).' }),
});

const Eval = z.strictObject({
  episodes: posInt().optional().meta({ description: 'Evaluation episodes per cell (default 5).' }),
  seed: nonNegInt().optional().meta({ description: 'Seed of the first evaluation episode; episode i is reset with seed + i, the same for every cell (default 1000000).' }),
  protocols: z
    .array(z.enum(PROTOCOLS, msg(`one of ${PROTOCOLS.join(', ')}`)), msg('a list of protocols'))
    .min(1, msg('at least one protocol'))
    .optional()
    .meta({ description: '`greedy`: the trained agent played greedily; `best-found` (FaaSConf only): the cheapest configuration that met QoS within the budget, re-measured, then held (Fig. 8, 13); `training`: the metrics over the steps taken while learning (e.g. QoS violations during exploration, Fig. 14). Default `[greedy]`.' }),
  verify: Verify.optional().meta({ description: 'The re-measurement of `best-found` candidates.' }),
  curvePoints: nonNegInt().optional().meta({ description: 'Points of the learning curve (training metrics over equal slices of the budget; default 10, 0: none).' }),
});

const ClaimBase = {
  id: label('a claim id').optional().meta({ description: 'Short id (default c1, c2, …).' }),
  source: text('where the paper says it (paper, section, figure)').meta({ description: 'Where the paper states it.' }),
  env: label('an env label').optional().meta({ description: 'The env (label) it is about; default: checked on each env.' }),
  protocol: z.enum(PROTOCOLS, msg(`one of ${PROTOCOLS.join(', ')}`)).optional().meta({ description: 'Protocol of the numbers compared (default: the first of eval.protocols).' }),
  metric: text('a metric name').meta({ description: 'A metric of `metrics`.' }),
  paper: finite().optional().meta({ description: "The paper's own number for the effect (percent for `relative`, the value for `threshold`), shown beside the measured one." }),
  note: z.string(msg('a string')).optional().meta({ description: 'Free text shown with the verdict.' }),
};

const RelativeClaim = z
  .strictObject({
    type: z.literal('relative', msg('"relative" or "threshold"')),
    ...ClaimBase,
    a: label('an agent label').meta({ description: 'The agent (label) claimed better.' }),
    b: label('an agent label').meta({ description: 'The agent (label) it is compared with.' }),
    better: z.enum(['lower', 'higher'], msg('"lower" or "higher"')).optional().meta({ description: "Which way is better (default: the metric's)." }),
    byAtLeastPercent: z.number(msg('a number >= 0')).nonnegative(msg('a number >= 0')).optional().meta({ description: "Held when a's mean beats b's by at least this many percent of b's mean (default 0: strictly better)." }),
    withinPercent: z.number(msg('a number >= 0')).nonnegative(msg('a number >= 0')).optional().meta({ description: "Instead: held when a's mean is worse than b's by at most this many percent of b's mean (e.g. StepConf within 5 % of the Oracle)." }),
  })
  .meta({ description: "\"a's metric is lower (higher) than b's by ≥ x %\", on the means over seeds." });

const ThresholdClaim = z
  .strictObject({
    type: z.literal('threshold', msg('"relative" or "threshold"')),
    ...ClaimBase,
    agent: label('an agent label').meta({ description: 'The agent (label).' }),
    atLeast: finite().optional().meta({ description: 'Held when the mean over seeds is ≥ this.' }),
    atMost: finite().optional().meta({ description: 'Held when the mean over seeds is ≤ this.' }),
  })
  .meta({ description: '"agent\'s metric is ≥ (≤) x", e.g. meets QoS in ≥ 95 % of windows, on the mean over seeds.' });

const Claim = z.discriminatedUnion('type', [RelativeClaim, ThresholdClaim], msg('a claim with type "relative" or "threshold"'));

const Seeds = z
  .union([posInt('a positive count or a list of seeds'), z.array(nonNegInt('a seed (integer >= 0)'), msg('a list of seeds')).min(1, msg('at least one seed'))], msg('a positive count or a list of seeds'))
  .meta({ description: 'A count n (seeds 0 … n-1) or a list of seeds.' });

const Quick = z
  .strictObject({
    seeds: Seeds.optional(),
    budget: Budget.optional(),
    eval: Eval.optional().meta({ description: 'Merged over `eval`.' }),
    agents: z.record(z.string(), z.strictObject({ options: mapping('agent options').optional(), budget: posInt().optional() })).optional().meta({ description: 'Per agent label: options merged over its options, and its budget.' }),
    envs: z.record(z.string(), z.strictObject({ config: mapping('env config keys to values').optional() })).optional().meta({ description: 'Per env label: config merged over its config.' }),
    onlyEnvs: z.array(z.string(), msg('a list of env labels')).min(1, msg('at least one env label')).optional().meta({ description: 'Keep only these envs (labels).' }),
    onlyAgents: z.array(z.string(), msg('a list of agent labels')).min(1, msg('at least one agent label')).optional().meta({ description: 'Keep only these agents (labels); claims about the others are dropped.' }),
    claims: z
      .array(Claim, msg('a list of claims'))
      .optional()
      .meta({ description: "Claims that REPLACE the file's `claims` under `--quick` (same form and checks): bars a CI-sized budget can still meet and that still prove learning (e.g. the learner above a baseline). CI asserts that every one holds." }),
  })
  .meta({ description: 'Overrides for `--quick`, the CI-sized variant: fewer seeds, a smaller budget, and optionally its own claims.' });

export const ExperimentSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'Path of the JSON Schema, for editors.' }),
    name: label('an experiment name').meta({ description: 'The run folder is runs/<name>/.' }),
    description: text().meta({ description: 'What the experiment asks.' }),
    source: text('the paper, section and figure').meta({ description: 'Paper, section, figure.' }),
    envs: z.array(EnvEntry, msg('a list of envs')).min(1, msg('at least one env')),
    agents: z.array(AgentEntry, msg('a list of agents')).min(1, msg('at least one agent')),
    seeds: Seeds,
    budget: Budget.optional(),
    eval: Eval.optional(),
    metrics: z.array(text('a metric name'), msg('a list of metric names')).min(1, msg('at least one metric')).meta({ description: 'Metrics to aggregate (see the table of metrics).' }),
    claims: z.array(Claim, msg('a list of claims')).optional().meta({ description: "The paper's statements as checkable assertions." }),
    paper: mapping('paper numbers').optional().meta({ description: "The paper's numbers for this experiment, for the reader (free form)." }),
    quick: Quick.optional(),
  })
  .meta({ title: 'faasgym experiment', description: 'A grid of environments × agents × seeds, its budget, evaluation, metrics and claims (`faasgym run <file>`).' });

export type ExperimentFile = z.output<typeof ExperimentSchema>;
export type ClaimSpec = z.output<typeof Claim>;

/** The JSON Schema of the experiment file (configs/experiments/schema.json). */
export function experimentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ExperimentSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

export { PROTOCOLS };
