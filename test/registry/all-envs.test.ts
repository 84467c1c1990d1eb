import { isParallelEnv } from '../../src/core/env.js';
import { checkEnv, checkParallelEnv } from '../../src/registry/checker.js';
import { make, registry } from '../../src/registry/index.js';

describe('every registered environment passes the checker', () => {
  test.each(registry.ids())('%s', async (id) => {
    const env = make(id);
    // 25 steps: enough to cover resets, observation bounds and determinism, and fast for the 10 s-window envs under jest
    const report = isParallelEnv(env) ? await checkParallelEnv(env, { steps: 25 }) : await checkEnv(env, { steps: 25 });
    expect(report.failed).toEqual([]);
    expect(report.passed).toContain('deterministic');
  });
});
