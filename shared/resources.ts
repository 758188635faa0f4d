// Gateways' and the engine's memory and CPU over time, as the engine samples and keeps them
// (electron/core/resources/), with what happened to them on the way: starts, restarts, crashes,
// OpenClaw's memory-pressure lines and the engine's memory_growth warnings.

export const RESOURCE_MARK_KINDS = [
  'engine_start',
  'start',
  'restart',
  'stop',
  'crash',
  'pressure',
  'memory_growth',
] as const;
export type ResourceMarkKind = (typeof RESOURCE_MARK_KINDS)[number];

/** The engine's own process, sampled beside its gateways. */
export const ENGINE_SOURCE = 'engine';

export interface ResourceMark {
  at: number;
  kind: ResourceMarkKind;
  /** The gateway it happened to (a gateway's id, or ENGINE_SOURCE); null when only the session is known. */
  source: string | null;
  sessionKey: string | null;
  /** In words: "session s1's gateway restarted", "level=critical rss_threshold, RSS 1.2 GB". */
  detail: string;
}

export interface ResourceSource {
  /** A gateway's id, or ENGINE_SOURCE. */
  id: string;
  kind: 'gateway' | 'engine';
  /** "session s1", "shared gateway", "warm pool", "lab", "engine". */
  label: string;
  sessionKey: string | null;
  firstAt: number;
  lastAt: number;
}

/** Samples aligned on one time axis: `rss[i][j]` is source i at `times[j]` (null: no sample there). */
export interface ResourceSeries {
  from: number;
  to: number;
  /** Seconds per point: 1 for the last 24 h at full resolution, more where buckets were merged. */
  step: number;
  /** 'seconds': samples as taken (kept 24 h); 'minutes': each minute's peak RSS and mean CPU (kept 30 days). */
  resolution: 'seconds' | 'minutes';
  times: number[];
  sources: ResourceSource[];
  /** Bytes; a bucket's peak. */
  rss: Array<Array<number | null>>;
  /** Percent of one core; a bucket's mean. */
  cpu: Array<Array<number | null>>;
  marks: ResourceMark[];
}
