import { isParallelEnv } from '../../src/core/env.js';
import { checkEnv, checkParallelEnv } from '../../src/registry/checker.js';
import { make, registry } from '../../src/registry/index.js';

describe('every registered environment passes the checker', () => {
  test.each(registry.ids())('%s', async (id) => {
    const env = make(id);
    const report = isParallelEnv(env) ? await checkParallelEnv(env, { steps: 60 }) : await checkEnv(env, { steps: 60 });
    expect(report.failed).toEqual([]);
    expect(report.passed).toContain('deterministic');
  });
});
