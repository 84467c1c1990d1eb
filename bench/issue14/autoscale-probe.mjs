// Probe: steps/s (wall and per CPU-second of this process: the machine is shared) and per-policy outcomes of the Autoscale envs at a given rate.
// node bench/issue14/autoscale-probe.mjs <Vertical|Horizontal> <rate> <policy,...> [steps]
import { make } from '../../dist/src/index.js';
import { getAgentFactory } from '../../dist/agents/index.js';
import { initTf } from '../../dist/src/nn/tf.js';
const [axis = 'Vertical', rate = '300', policies = 'random,static,threshold', stepsArg = '100', extra = '{}'] = process.argv.slice(2);
await initTf();
for (const p of policies.split(',')) {
  const env = make(`Autoscale-${axis}-v0`, { rate: Number(rate), ...JSON.parse(extra) });
  const agent = await getAgentFactory(p).create(env, {}, 0);
  let { obs } = await env.reset({ seed: 1000 });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let R = 0, viol = 0, cpu = 0, n = Number(stepsArg);
  const last = {};
  for (let i = 0; i < n; i++) {
    const a = await agent.act(obs, { explore: false });
    const r = await env.step(a);
    obs = r.obs; R += r.reward; viol += r.info.rewardParts.violated ? 1 : 0; cpu += r.info.totalCpuMilli;
    if (i === n - 1) Object.assign(last, r.info.settings);
    if (r.truncated) ({ obs } = await env.reset());
  }
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpuS = (c.user + c.system) / 1e6;
  console.log(`${axis} rate ${rate} ${p}: ${(n / s).toFixed(0)} steps/s (${(n / cpuS).toFixed(0)} per CPU-second), return/step ${(R / n).toFixed(3)}, violated ${(100 * viol / n).toFixed(0)}%, meanCpu ${(cpu / n).toFixed(0)}m, last ${JSON.stringify(last)}`);
  await env.close();
}
