/**
 * The Intel PCM field map shared by the InfluxDB writer (the twin) and reader
 * (the kubernetes backend): measurement `http`, tag `host`, and the field names
 * Telegraf's `inputs.http` gives `pcm-sensor-server`'s /persecond JSON.
 * The definitions live in src/cluster/twin/pcm-mapping.ts (see its module
 * comment for the units); import them from here.
 */
export {
  DEFAULT_PCM_FIELDS,
  pcmCountersToFields,
  pcmFieldsToCounters,
  resolvePcmFieldMap,
  type PcmFieldMap,
} from './twin/pcm-mapping.js';
