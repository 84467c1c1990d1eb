import { ConfigError } from '../../src/core/errors.js';
import {
  AWS_LAMBDA_X86_PRICES,
  AZURE_PREMIUM_PRICES,
  darlyResourceTerm,
  darlyReward,
  lambdaCostUsd,
  provisionedCostUsd,
  provisionedUsage,
  totalProvisionedCostUsd,
} from '../../src/cluster/cost.js';

describe('FaaSConf eq. (2): provisioned cost at Azure premium prices', () => {
  test('prices', () => {
    expect(AZURE_PREMIUM_PRICES).toEqual({ vcpuHourUsd: 0.173, gbHourUsd: 0.0123 });
  });

  test('one function: 30 s × (0.173·2 + 0.0123·2) × 3 instances', () => {
    // (30/3600) h · (0.346 + 0.0246) $/h · 3 = 0.0083333… · 0.3706 · 3 = 0.009265
    expect(provisionedCostUsd({ seconds: 30, cpuCores: 2, memoryGb: 2, instances: 3 })).toBeCloseTo(0.009265, 12);
    // one vCPU for an hour costs α, one GB for an hour costs β
    expect(provisionedCostUsd({ seconds: 3600, cpuCores: 1, memoryGb: 0, instances: 1 })).toBeCloseTo(0.173, 15);
    expect(provisionedCostUsd({ seconds: 3600, cpuCores: 0, memoryGb: 1, instances: 1 })).toBeCloseTo(0.0123, 15);
    expect(provisionedCostUsd({ seconds: 30, cpuCores: 2, memoryGb: 2, instances: 0 })).toBe(0);
  });

  test('sum over a workflow, custom prices, and usage from Kubernetes limits', () => {
    const fns = [
      provisionedUsage(60, { cpuMilli: 500, memoryMb: 512 }, 2), // 60/3600·(0.173·0.5 + 0.0123·0.5)·2 = 0.0030883…
      provisionedUsage(60, { cpuMilli: 2000, memoryMb: 2048 }, 1), // 60/3600·(0.346 + 0.0246) = 0.0061766…
    ];
    expect(fns[0]).toEqual({ seconds: 60, cpuCores: 0.5, memoryGb: 0.5, instances: 2 });
    expect(totalProvisionedCostUsd(fns)).toBeCloseTo(0.0030883333 + 0.0061766667, 9);
    expect(totalProvisionedCostUsd([])).toBe(0);
    expect(provisionedCostUsd({ seconds: 7200, cpuCores: 1, memoryGb: 1, instances: 1 }, { vcpuHourUsd: 1, gbHourUsd: 0.5 })).toBeCloseTo(3, 15);
  });

  test('rejects negative inputs', () => {
    expect(() => provisionedCostUsd({ seconds: -1, cpuCores: 1, memoryGb: 1, instances: 1 })).toThrow(
      new ConfigError('provisioned cost: seconds must be a finite number >= 0, got -1'),
    );
  });
});

describe('StepConf §3.5: Lambda-style cost c = p·(t·m·μ0 + μ1)', () => {
  test('AWS x86 list prices', () => {
    expect(AWS_LAMBDA_X86_PRICES).toEqual({ gbSecondUsd: 0.0000166667, perMillionRequestsUsd: 0.2 });
  });

  test('hand-computed', () => {
    // 1 GB for 1 s, one request: 0.0000166667 + 0.0000002
    expect(lambdaCostUsd({ seconds: 1, memoryMb: 1024, invocations: 1 })).toBeCloseTo(0.0000168667, 15);
    // 1000 × (1.5 s · 1769/1024 GB · 0.0000166667 + 2e-7) = 1000 × (2.59130859375 · 0.0000166667 + 2e-7) = 0.04338856…
    expect(lambdaCostUsd({ seconds: 1.5, memoryMb: 1769, invocations: 1000 })).toBeCloseTo(1000 * (2.59130859375 * 0.0000166667 + 2e-7), 15);
    expect(lambdaCostUsd({ seconds: 1.5, memoryMb: 1769, invocations: 1000 })).toBeCloseTo(0.0433886, 7);
    // requests only
    expect(lambdaCostUsd({ seconds: 0, memoryMb: 128, invocations: 1e6 })).toBeCloseTo(0.2, 15);
  });

  test('prices are configurable, each on its own', () => {
    expect(lambdaCostUsd({ seconds: 2, memoryMb: 2048, invocations: 10 }, { gbSecondUsd: 1, perMillionRequestsUsd: 0 })).toBe(40);
    expect(lambdaCostUsd({ seconds: 2, memoryMb: 2048, invocations: 10 }, { perMillionRequestsUsd: 1e6 })).toBeCloseTo(10 * (4 * 0.0000166667 + 1), 12);
    expect(() => lambdaCostUsd({ seconds: 1, memoryMb: 128, invocations: 1 }, { gbSecondUsd: -1 })).toThrow(ConfigError);
  });
});

describe('Darly eq. (3)', () => {
  const res = { serversUsed: 2, serversTotal: 4, replicas: 3, maxReplicas: 6 };

  test('resource term N/sp + Rs/r', () => {
    expect(darlyResourceTerm(res)).toBe(4 / 2 + 6 / 3);
    expect(darlyResourceTerm({ serversUsed: 4, serversTotal: 4, replicas: 6, maxReplicas: 6 })).toBe(2); // everything held: minimum
    expect(darlyResourceTerm({ serversUsed: 1, serversTotal: 4, replicas: 1, maxReplicas: 6 })).toBe(10); // one server, one replica: maximum
    expect(darlyResourceTerm({ serversUsed: 0.5, serversTotal: 4, replicas: 0, maxReplicas: 6 })).toBe(10); // below 1 counts as 1
    expect(darlyResourceTerm({ serversUsed: 2.5, serversTotal: 4, replicas: 4, maxReplicas: 5 })).toBeCloseTo(1.6 + 1.25, 15);
  });

  test('QoS met: N/sp + Rs/r + (La/Lt)·k1', () => {
    // 4/2 + 6/3 + (20/26)·3 = 4 + 2.3076923…
    expect(darlyReward({ ...res, latency: 20, qosTarget: 26 })).toBeCloseTo(4 + 60 / 26, 14);
    expect(darlyReward({ ...res, latency: 26, qosTarget: 26 })).toBe(7); // La = Lt is still met
    expect(darlyReward({ ...res, latency: 0, qosTarget: 35 })).toBe(4);
    expect(darlyReward({ ...res, latency: 17.5, qosTarget: 35, k1: 10 })).toBe(9);
  });

  test('QoS violated: max(-k2, -k3 - La/Lt)', () => {
    expect(darlyReward({ ...res, latency: 30, qosTarget: 26 })).toBeCloseTo(-4 - 30 / 26, 14); // -5.1538…
    expect(darlyReward({ ...res, latency: 26.000001, qosTarget: 26 })).toBeCloseTo(-5, 6);
    expect(darlyReward({ ...res, latency: 52, qosTarget: 26 })).toBe(-6); // -4 - 2 = -6
    expect(darlyReward({ ...res, latency: 60, qosTarget: 26 })).toBe(-6); // clipped at -k2
    expect(darlyReward({ ...res, latency: Infinity, qosTarget: 26 })).toBe(-6); // failed request
    expect(darlyReward({ ...res, latency: 40, qosTarget: 35, k2: 10, k3: 1 })).toBeCloseTo(-1 - 40 / 35, 14);
    // resources do not matter once the QoS is missed
    expect(darlyReward({ serversUsed: 4, serversTotal: 4, replicas: 6, maxReplicas: 6, latency: 30, qosTarget: 26 })).toBeCloseTo(-4 - 30 / 26, 14);
  });

  test('fewer resources, more reward; meeting the QoS always beats missing it', () => {
    const met = (serversUsed: number, replicas: number) => darlyReward({ serversUsed, serversTotal: 4, replicas, maxReplicas: 15, latency: 25, qosTarget: 26 });
    expect(met(1, 5)).toBeGreaterThan(met(2, 5));
    expect(met(2, 5)).toBeGreaterThan(met(2, 10));
    expect(met(4, 15)).toBeGreaterThan(darlyReward({ ...res, latency: 26.01, qosTarget: 26 }));
  });

  test('rejects swapped or invalid arguments', () => {
    expect(() => darlyResourceTerm({ serversUsed: 4, serversTotal: 2, replicas: 1, maxReplicas: 3 })).toThrow(
      new ConfigError('darly resource term: serversUsed (4) must be <= serversTotal (2)'),
    );
    expect(() => darlyReward({ ...res, replicas: 7, latency: 1, qosTarget: 2 })).toThrow(new ConfigError('darly reward: replicas (7) must be <= maxReplicas (6)'));
    expect(() => darlyReward({ ...res, latency: 1, qosTarget: 0 })).toThrow(new ConfigError('darly reward: qosTarget must be a finite number > 0, got 0'));
    expect(() => darlyReward({ ...res, latency: NaN, qosTarget: 26 })).toThrow(ConfigError);
  });
});
