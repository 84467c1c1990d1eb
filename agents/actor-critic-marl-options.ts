/**
 * The options every multi-agent actor-critic variant (MADDPG, mean-field,
 * AttMF) takes, as zod fields; each variant's file gives its defaults and
 * their sources, and adds its own fields.
 */
import { actorCriticFields, type ActorCriticCommon } from './actor-critic-common.js';
import { boolean, literal, number, options, parseOptions, type z } from './option-fields.js';

/** The resolved options of every variant (`useGlobalState`: maddpg only; `attentionDim`: attmf only). */
export type MarlHyperparameters = ActorCriticCommon & {
  actionRegularization: number;
  shareParameters: boolean | 'auto';
  agentIds: boolean;
  /** maddpg: feed the critics `env.state()` when the env has one (else the concatenated observations). */
  useGlobalState?: boolean;
  /** attmf: size d_k of the attention queries and keys. */
  attentionDim?: number;
};

type MarlDefaults = ActorCriticCommon & { actionRegularization: number; shareParameters: boolean | 'auto'; agentIds: boolean };

/** The zod fields every variant takes, with the variant's defaults and their sources (each variant's file gives them). */
export function marlFields(d: MarlDefaults, src: Partial<Record<keyof MarlDefaults, string>> = {}) {
  return {
    ...actorCriticFields(d, src, 'actors and critics'),
    actionRegularization: number({
      default: d.actionRegularization, min: 0, max: 1000, maxWhy: 'a weight beyond 1000 leaves the critic no say in the actor loss',
      doc: 'weight λ of the actors\' output regularisation: the actor loss adds λ·mean(z²) over the pre-tanh outputs z (Lowe et al.\'s MADDPG code, `p_reg`, λ = 1e-3), keeping actions out of tanh saturation (0: off)',
      source: src.actionRegularization,
    }),
    shareParameters: literal({
      values: [true, false, 'auto'] as const, default: d.shareParameters,
      doc: 'one actor, one critic (and attention module) shared by all agents (`true`), one per agent (`false`), or `auto`: share when every agent\'s observation and action have the same sizes (sharing with different sizes is refused)',
      source: src.shareParameters,
    }),
    agentIds: boolean({ default: d.agentIds, doc: 'append a one-hot agent index to every actor and critic input (lets shared networks tell agents apart)', source: src.agentIds }),
  };
}

/** What every variant accepts: any subset of its fields. */
export type MarlCommonOptions = Partial<z.input<ReturnType<typeof options<ReturnType<typeof marlFields>>>>>;

/** Validate `options` with a variant's schema; one `ConfigError` lists every bad field with its value. */
export function resolveMarlOptions(variant: string, schema: z.ZodType, options: unknown = {}): MarlHyperparameters {
  return parseOptions(schema, options, variant, 'options') as MarlHyperparameters;
}
