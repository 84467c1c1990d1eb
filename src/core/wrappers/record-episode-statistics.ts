import { ConfigError, quote } from '../errors.js';
import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import { Wrapper } from './wrapper.js';

export interface RecordEpisodeStatisticsOptions {
  /** How many recent episodes `returnQueue`, `lengthQueue` and `timeQueue` keep. @default 100 */
  bufferLength?: number;
}

/** The statistics added as `info.episode` at the end of an episode. */
export interface EpisodeStatistics {
  /** Undiscounted return: the sum of the episode's rewards. */
  r: number;
  /** Length: the number of steps. */
  l: number;
  /** Wall-clock seconds since the episode's reset, rounded to microseconds. */
  t: number;
}

/**
 * Records each episode's return, length and wall-clock time (Gymnasium's
 * RecordEpisodeStatistics). When a step ends the episode (terminated or
 * truncated), its info gets `episode: {r, l, t}`, and the values are appended
 * to `returnQueue`, `lengthQueue` and `timeQueue`, which keep the last
 * `bufferLength` episodes.
 */
export class RecordEpisodeStatistics<O, A> extends Wrapper<O, A> {
  readonly bufferLength: number;
  /** Returns of the last `bufferLength` episodes, oldest first. */
  readonly returnQueue: number[] = [];
  /** Lengths of the last `bufferLength` episodes, oldest first. */
  readonly lengthQueue: number[] = [];
  /** Durations in seconds of the last `bufferLength` episodes, oldest first. */
  readonly timeQueue: number[] = [];
  /** Episodes completed since construction. */
  episodeCount = 0;
  private episodeReturn = 0;
  private episodeLength = 0;
  private episodeStart = performance.now();

  constructor(env: Env<O, A>, options: RecordEpisodeStatisticsOptions = {}) {
    super(env);
    if (typeof options !== 'object' || options === null) throw new ConfigError(`RecordEpisodeStatistics options must be an object, got ${quote(options)}`);
    const bufferLength = options.bufferLength ?? 100;
    if (!Number.isSafeInteger(bufferLength) || bufferLength < 1) {
      throw new ConfigError(`RecordEpisodeStatistics bufferLength must be a positive integer, got ${quote(bufferLength)}`);
    }
    this.bufferLength = bufferLength;
  }

  override async reset(opts?: ResetOptions): Promise<ResetResult<O>> {
    const result = await this.env.reset(opts);
    this.episodeStart = performance.now();
    this.episodeReturn = 0;
    this.episodeLength = 0;
    return result;
  }

  override async step(action: A): Promise<StepResult<O>> {
    const result = await this.env.step(action);
    this.episodeReturn += result.reward;
    this.episodeLength += 1;
    if (!result.terminated && !result.truncated) return result;
    const now = performance.now();
    const episode: EpisodeStatistics = {
      r: this.episodeReturn,
      l: this.episodeLength,
      t: Math.round((now - this.episodeStart) * 1000) / 1e6,
    };
    push(this.returnQueue, episode.r, this.bufferLength);
    push(this.lengthQueue, episode.l, this.bufferLength);
    push(this.timeQueue, episode.t, this.bufferLength);
    this.episodeCount += 1;
    this.episodeStart = now;
    this.episodeReturn = 0;
    this.episodeLength = 0;
    return { ...result, info: { ...result.info, episode } };
  }
}

function push(queue: number[], value: number, max: number): void {
  queue.push(value);
  if (queue.length > max) queue.splice(0, queue.length - max);
}
