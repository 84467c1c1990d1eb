/**
 * FaaSConf (paper 000) benchmark applications, §5.1.1 and Fig. 6: three ML
 * workflows (Sequential, Parallel, Branch with 5, 6 and 7 functions) built from
 * ONNX Model Zoo models on OpenFaaS, and the 12-function ticket search of
 * TrainTicket (*TcktApp*), on 8 VMs of 8 cores and 16 GB.
 *
 * The paper's text names neither the functions of the ML workflows nor the
 * edges of Fig. 6 nor per-function latencies: the functions below are ONNX
 * Model Zoo tasks (the models' source, §5.1.1), the DAGs are plausible shapes
 * for the workflows' names, and work values are our estimates of single-core
 * CPU inference times of those models (tens to hundreds of ms; about 1 s
 * end to end per ML request). Every such number is marked "chosen".
 */
import type { SimFunctionSpec, SimNodeSpec } from '../../cluster/sim/spec.js';
import type { ScenarioFragment } from './fragment.js';

/**
 * An ML function. Defaults inside FaaSConf's ML action ranges (§5.1.2:
 * CPU 250–2000 m, memory 256–2024 MB, replicas 1–8, concurrency 1–10):
 * 1000 m, 1024 MB, 1 replica, no concurrency limit (chosen starting point).
 * Work: log-normal, median = single-core inference time, σ 0.1 for input
 * variation (chosen). Cold start: log-normal median 4 s (container + model
 * load; chosen, the paper reports none).
 */
function ml(name: string, medianWork: number, footprintMb: number, threads = 1): SimFunctionSpec {
  return {
    name,
    work: { kind: 'lognormal', median: medianWork, sigma: 0.1 },
    // ONNX Runtime uses intra-op threads: heavy models scale to 2 cores with parallel fraction 0.85 (chosen).
    ...(threads > 1 ? { threads, parallelFraction: 0.85 } : {}),
    memoryFootprintMb: footprintMb,
    coldStart: { kind: 'lognormal', median: 4, sigma: 0.2 },
    transferMb: 0.5, // one image in and a result out (chosen)
    cpuMilli: 1000,
    memoryMb: 1024,
    replicas: 1,
    maxInflight: 0,
  };
}

/** ML functions: name → single-core median work (s), memory footprint (MB), threads. All chosen (see module doc). */
const ML = {
  preprocess: ml('preprocess', 0.04, 180), // decode, resize, normalise
  superResolution: ml('super-resolution', 0.35, 350, 2), // ONNX super-resolution-10
  objectDetection: ml('object-detection', 0.25, 420, 2), // SSD-MobileNet v1
  imageClassification: ml('image-classification', 0.3, 480, 2), // ResNet50 v2
  emotionRecognition: ml('emotion-recognition', 0.08, 260), // Emotion FERPlus
  styleTransfer: ml('style-transfer', 0.6, 400, 2), // fast neural style
  faceDetection: ml('face-detection', 0.05, 220), // UltraFace
  aggregate: ml('aggregate', 0.02, 150), // join results, respond
};

/** 8 VMs, 8 cores at 2.40 GHz and 16 GB each (§5.1.1); speed 1 = the reference core. */
export const faasconfNodes: SimNodeSpec[] = Array.from({ length: 8 }, (_, i) => ({
  name: `vm-${i + 1}`,
  cores: 8,
  memoryMb: 16384,
  cpuModel: '8-core 2.40 GHz VM',
}));

/** Sequential (5 functions): a chain. Order chosen: preprocess → super-resolution → detection → classification → aggregate. */
export const faasconfSequential: ScenarioFragment = {
  functions: [ML.preprocess, ML.superResolution, ML.objectDetection, ML.imageClassification, ML.aggregate],
  workflows: [
    {
      name: 'sequential',
      stages: ['preprocess', 'super-resolution', 'object-detection', 'image-classification', 'aggregate'],
      edges: [
        ['preprocess', 'super-resolution'],
        ['super-resolution', 'object-detection'],
        ['object-detection', 'image-classification'],
        ['image-classification', 'aggregate'],
      ],
    },
  ],
  nodes: faasconfNodes,
};

/** Parallel (6 functions): preprocess fans out to four models, aggregate joins them (shape chosen). */
export const faasconfParallel: ScenarioFragment = {
  functions: [ML.preprocess, ML.imageClassification, ML.objectDetection, ML.emotionRecognition, ML.styleTransfer, ML.aggregate],
  workflows: [
    {
      name: 'parallel',
      stages: ['preprocess', 'image-classification', 'object-detection', 'emotion-recognition', 'style-transfer', 'aggregate'],
      edges: [
        ['preprocess', 'image-classification'],
        ['preprocess', 'object-detection'],
        ['preprocess', 'emotion-recognition'],
        ['preprocess', 'style-transfer'],
        ['image-classification', 'aggregate'],
        ['object-detection', 'aggregate'],
        ['emotion-recognition', 'aggregate'],
        ['style-transfer', 'aggregate'],
      ],
    },
  ],
  nodes: faasconfNodes,
};

/**
 * Branch (7 functions): after face detection exactly one of three paths runs —
 * faces (emotion recognition), objects (detection → classification), or
 * enhancement (super-resolution → style transfer). Shape and probabilities
 * 0.5 / 0.3 / 0.2 chosen. The paths do not join again, so no stage waits on a
 * branch that did not fire.
 */
export const faasconfBranch: ScenarioFragment = {
  functions: [
    ML.preprocess,
    ML.faceDetection,
    ML.emotionRecognition,
    ML.objectDetection,
    ML.imageClassification,
    ML.superResolution,
    ML.styleTransfer,
  ],
  workflows: [
    {
      name: 'branch',
      stages: ['preprocess', 'face-detection', 'emotion-recognition', 'object-detection', 'image-classification', 'super-resolution', 'style-transfer'],
      edges: [
        ['preprocess', 'face-detection'],
        ['object-detection', 'image-classification'],
        ['super-resolution', 'style-transfer'],
      ],
      branches: [{ from: 'face-detection', to: ['emotion-recognition', 'object-detection', 'super-resolution'], probs: [0.5, 0.3, 0.2] }],
    },
  ],
  nodes: faasconfNodes,
};

/**
 * A TrainTicket function (Java, synchronous, MongoDB-backed; §5.1.1, §5.2.1).
 * Defaults inside the web action ranges (§5.1.2: CPU 250–1000 m, memory
 * 128–1024 MB): 500 m, 512 MB (chosen). Work: log-normal median of a few ms
 * (chosen); the MongoDB query is I/O (`download`, median 4 ms, σ 0.3, chosen);
 * JVM footprint 200–300 MB and a JVM/Spring cold start of about 8 s (chosen).
 * The app is synchronous (§5.2.1): its functions serve one request at a time
 * well, so contention is left at the simulator's default.
 */
function web(name: string, medianWork: number, footprintMb: number, dbQuery: boolean): SimFunctionSpec {
  return {
    name,
    work: { kind: 'lognormal', median: medianWork, sigma: 0.2 },
    memoryFootprintMb: footprintMb,
    coldStart: { kind: 'lognormal', median: 8, sigma: 0.2 },
    ...(dbQuery ? { download: { kind: 'lognormal' as const, median: 0.004, sigma: 0.3 } } : {}),
    transferMb: 0.01,
    cpuMilli: 500,
    memoryMb: 512,
    replicas: 1,
    maxInflight: 0,
  };
}

/**
 * TrainTicket ticket search (12 functions), after the services the search
 * path of FudanSELab's serverless TrainTicket calls: resolve both stations,
 * find routes, list the trips on them, then in parallel their train type,
 * price, sold seats and seat configuration, and assemble the answer. Function
 * names and edges chosen (Fig. 6 is not described in the text).
 */
export const faasconfTrainTicket: ScenarioFragment = {
  functions: [
    web('search-ticket', 0.004, 220, false),
    web('query-station-from', 0.003, 200, true),
    web('query-station-to', 0.003, 200, true),
    web('query-route', 0.006, 240, true),
    web('query-trips', 0.008, 260, true),
    web('query-train-type', 0.003, 200, true),
    web('query-price', 0.004, 210, true),
    web('query-sold-tickets', 0.006, 250, true),
    web('query-seat-config', 0.003, 200, true),
    web('compute-left-tickets', 0.01, 280, false),
    web('assemble-trip-info', 0.005, 230, false),
    web('build-response', 0.004, 220, false),
  ],
  workflows: [
    {
      name: 'trainticket-search',
      stages: [
        'search-ticket',
        'query-station-from',
        'query-station-to',
        'query-route',
        'query-trips',
        'query-train-type',
        'query-price',
        'query-sold-tickets',
        'query-seat-config',
        'compute-left-tickets',
        'assemble-trip-info',
        'build-response',
      ],
      edges: [
        ['search-ticket', 'query-station-from'],
        ['search-ticket', 'query-station-to'],
        ['query-station-from', 'query-route'],
        ['query-station-to', 'query-route'],
        ['query-route', 'query-trips'],
        ['query-trips', 'query-train-type'],
        ['query-trips', 'query-price'],
        ['query-trips', 'query-sold-tickets'],
        ['query-trips', 'query-seat-config'],
        ['query-sold-tickets', 'compute-left-tickets'],
        ['query-seat-config', 'compute-left-tickets'],
        ['query-train-type', 'assemble-trip-info'],
        ['query-price', 'assemble-trip-info'],
        ['compute-left-tickets', 'build-response'],
        ['assemble-trip-info', 'build-response'],
      ],
    },
  ],
  nodes: faasconfNodes,
};

/** The FaaSConf workflows by their names in the paper. */
export const faasconfPresets = {
  Sequential: faasconfSequential,
  Parallel: faasconfParallel,
  Branch: faasconfBranch,
  TrainTicket: faasconfTrainTicket,
} as const satisfies Record<string, ScenarioFragment>;
