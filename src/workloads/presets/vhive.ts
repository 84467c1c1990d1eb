/**
 * The vSwarm online-shop functions of the vHive/vSwarm autoscaling study
 * (paper 002, §3.2): 9 gRPC functions of Google's Online Boutique, scaled
 * vertically (CPU limit) or horizontally (replicas) in 10 s steps (§3.3, §4).
 *
 * The paper names only adservice and paymentservice; the other names are the
 * Online Boutique services that vSwarm's online-shop ports
 * (paper-numbers.json `vhive_autoscaling.functions`). It reports a converged
 * p90 latency of 1000–2000 µs (§4.1), so per-call work is chosen at 0.3–1.2 ms
 * of one core (Go services fastest, Python and Java slowest). The workflow —
 * one shopper's visit: browse the catalogue, the page's recommendations, ads
 * and prices, add to cart, check out, ship and pay, confirmation e-mail — is
 * chosen after Online Boutique's call graph; each function can also be loaded
 * on its own, as vSwarm's benchmarks do.
 */
import type { SimFunctionSpec, SimNodeSpec } from '../../cluster/sim/spec.js';
import type { ScenarioFragment } from './fragment.js';

/** A gRPC service. Starting configuration 1000 m, 512 MB, 1 replica (chosen); cold start log-normal median 1.5 s (containerd/Firecracker boot, chosen). */
function svc(name: string, workMs: number, footprintMb: number): SimFunctionSpec {
  return {
    name,
    work: { kind: 'lognormal', median: workMs / 1000, sigma: 0.25 },
    memoryFootprintMb: footprintMb,
    coldStart: { kind: 'lognormal', median: 1.5, sigma: 0.3 },
    transferMb: 0.005,
    cpuMilli: 1000,
    memoryMb: 512,
    replicas: 1,
    maxInflight: 0,
  };
}

/** Work (ms of one core) and footprint (MB) by implementation language of each Online Boutique service (chosen). */
const functions: SimFunctionSpec[] = [
  svc('productcatalogservice', 0.4, 40), // Go
  svc('recommendationservice', 1.2, 90), // Python
  svc('adservice', 0.9, 280), // Java
  svc('currencyservice', 0.6, 80), // Node.js
  svc('cartservice', 0.7, 130), // C# (+ Redis)
  svc('checkoutservice', 0.5, 40), // Go
  svc('shippingservice', 0.3, 35), // Go
  svc('paymentservice', 0.5, 75), // Node.js
  svc('emailservice', 1.0, 85), // Python
];

/** One node the size of a CloudLab xl170 (10 cores, 64 GB), a common vHive host; the paper does not describe its machines (chosen). */
export const vhiveNodes: SimNodeSpec[] = [{ name: 'cloudlab-worker', cores: 10, memoryMb: 65536, cpuModel: 'Intel Xeon E5-2640 v4 @ 2.40 GHz' }];

/** The 9 online-shop functions and the shopping-visit workflow. */
export const vhiveOnlineShop: ScenarioFragment = {
  functions,
  workflows: [
    {
      name: 'online-shop',
      stages: functions.map((f) => f.name),
      edges: [
        ['productcatalogservice', 'recommendationservice'],
        ['productcatalogservice', 'adservice'],
        ['productcatalogservice', 'currencyservice'],
        ['recommendationservice', 'cartservice'],
        ['adservice', 'cartservice'],
        ['currencyservice', 'cartservice'],
        ['cartservice', 'checkoutservice'],
        ['checkoutservice', 'shippingservice'],
        ['checkoutservice', 'paymentservice'],
        ['shippingservice', 'emailservice'],
        ['paymentservice', 'emailservice'],
      ],
    },
  ],
  nodes: vhiveNodes,
};
