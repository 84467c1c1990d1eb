/** Schedules of a hyperparameter over training progress (ε-greedy, learning rates, noise scales). */
export type Schedule = (step: number) => number;

/** From `start` to `end` linearly over `duration` steps, then `end` (SB3's linear schedule of exploration). */
export function linearSchedule(start: number, end: number, duration: number): Schedule {
  return (step) => (duration <= 0 || step >= duration ? end : start + ((end - start) * step) / duration);
}

/** `start · decay^step`, floored at `min`. */
export function exponentialSchedule(start: number, decay: number, min = 0): Schedule {
  return (step) => Math.max(min, start * Math.pow(decay, step));
}

export function constantSchedule(value: number): Schedule {
  return () => value;
}
