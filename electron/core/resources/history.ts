// The resource history: each second, every gateway's RSS and CPU (as the supervisors last sampled
// them from /proc) and the engine's own, written to the store; what happened on the way as marks
// (a gateway started, stopped, crashed, said it is under memory pressure, was restarted, keeps
// growing). Kept in SQLite, so the picture survives a reload of the UI and a restart of the engine.
import type { MemoryPressure } from '../../../shared/gateways.ts';
import { ENGINE_SOURCE, type ResourceMark } from '../../../shared/resources.ts';
import type { Gateway } from '../gateways/gateway.ts';
import type { ResourcesRepo, Sample } from '../store/resources-repo.ts';
import { DEFAULT_GROWTH, memoryGrowth, type GrowthRule } from './growth.ts';

/** What the history needs to know of a gateway at a tick. */
export interface WatchedGateway {
  id: string;
  label: string;
  sessionKey: string | null;
  running: boolean;
  crashed: boolean;
  rssBytes: number | null;
  cpuPercent: number | null;
  pressure: MemoryPressure | null;
}

/** A gateway as the history sees it: named by whose it is. */
export function watched(gw: Gateway, role: 'workbench' | 'lab'): WatchedGateway {
  const key = gw.log.sessionKey;
  const whose = gw.extraConfig ? 'shared gateway' : key ? `session ${key}` : role === 'lab' ? 'lab' : 'warm pool';
  return {
    id: gw.id,
    label: role === 'lab' && key ? `lab · ${whose}` : whose,
    sessionKey: key,
    running: gw.isRunning,
    crashed: gw.state === 'crashed',
    rssBytes: gw.rssBytes,
    cpuPercent: gw.cpuPercent,
    pressure: gw.memoryPressure,
  };
}

interface Known {
  label: string;
  crashed: boolean;
  pressureCount: number;
  pressureMarkedAt: number;
  pressureLevel: string | null;
  growing: boolean;
}

export interface HistoryOptions {
  gateways: () => WatchedGateway[];
  /** The memory_growth slope in MB/h, read at each check (a setting Settings may change). */
  mbPerHour: () => number;
  warn: (message: string) => void;
  growth?: Omit<GrowthRule, 'mbPerHour'>;
  now?: () => number;
}

const MB = 1024 * 1024;
const PRUNE_EVERY_MS = 10 * 60_000;
/** Repeated pressure lines of one gateway make at most a mark a minute (a higher level always does). */
const PRESSURE_MARK_GAP_MS = 60_000;

export class ResourceHistory {
  readonly #repo: ResourcesRepo;
  readonly #o: HistoryOptions;
  readonly #now: () => number;
  readonly #known = new Map<string, Known>();
  #timer: NodeJS.Timeout | null = null;
  #minute = 0;
  #prunedAt = 0;
  #cpu = process.cpuUsage();
  #cpuAt = 0;
  #warnedAt = -Infinity;

  constructor(repo: ResourcesRepo, options: HistoryOptions) {
    this.#repo = repo;
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    const now = this.#now();
    this.#cpuAt = now;
    this.#minute = Math.floor(now / 60_000) * 60_000;
    this.#repo.seen({ id: ENGINE_SOURCE, kind: 'engine', label: 'engine', sessionKey: null }, now);
    this.mark({ at: now, kind: 'engine_start', source: ENGINE_SOURCE, sessionKey: null, detail: 'engine started' });
    this.#repo.prune(now);
    this.#prunedAt = now;
    this.#timer = setInterval(() => this.#safeTick(), 1000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  mark(m: ResourceMark): void {
    this.#repo.mark(m);
  }

  /** The session's gateway is being replaced on demand (the runtime calls this as it begins). */
  restarted(sessionKey: string): void {
    const was = [...this.#known].find(([, k]) => k.label === `session ${sessionKey}`)?.[0] ?? null;
    this.mark({
      at: this.#now(),
      kind: 'restart',
      source: was,
      sessionKey,
      detail: `session ${sessionKey}'s gateway restarted`,
    });
  }

  /** Telemetry never stops the engine: a failed write (a full disk) is said once in ten minutes. */
  #safeTick(): void {
    try {
      this.tick();
    } catch (err) {
      const now = this.#now();
      if (now - this.#warnedAt < 10 * 60_000) return;
      this.#warnedAt = now;
      this.#o.warn(`resource samples could not be written (the pictures will have a gap): ${(err as Error).message}`);
    }
  }

  /** One sample of everything; marks for what changed since the last. Public for tests. */
  tick(): void {
    const now = this.#now();
    const at = Math.floor(now / 1000) * 1000;
    const rows: Sample[] = [{ source: ENGINE_SOURCE, rss: process.memoryUsage.rss(), cpu: this.#engineCpu(now) }];
    const seen = new Set<string>();
    for (const g of this.#o.gateways()) {
      seen.add(g.id);
      this.#observe(g, now);
      if (g.running && g.rssBytes !== null) rows.push({ source: g.id, rss: g.rssBytes, cpu: g.cpuPercent });
    }
    for (const [id, k] of this.#known) {
      if (seen.has(id)) continue;
      this.#known.delete(id);
      this.#repo.seen({ id, kind: 'gateway', label: k.label, sessionKey: null }, now);
      if (!k.crashed) this.mark({ at: now, kind: 'stop', source: id, sessionKey: null, detail: `${k.label}: stopped` });
    }
    this.#repo.sample(at, rows);
    const minute = Math.floor(now / 60_000) * 60_000;
    if (minute > this.#minute) {
      this.#repo.rollUp(this.#minute);
      this.#minute = minute;
      this.#repo.seen({ id: ENGINE_SOURCE, kind: 'engine', label: 'engine', sessionKey: null }, now);
      for (const g of this.#o.gateways()) this.#checkGrowth(g, now);
    }
    if (now - this.#prunedAt >= PRUNE_EVERY_MS) {
      this.#repo.prune(now);
      this.#prunedAt = now;
    }
  }

  #observe(g: WatchedGateway, now: number): void {
    let k = this.#known.get(g.id);
    if (!k) {
      k = {
        label: g.label,
        crashed: false,
        pressureCount: 0,
        pressureMarkedAt: 0,
        pressureLevel: null,
        growing: false,
      };
      this.#known.set(g.id, k);
      this.#repo.seen({ id: g.id, kind: 'gateway', label: g.label, sessionKey: g.sessionKey }, now);
      this.mark({ at: now, kind: 'start', source: g.id, sessionKey: g.sessionKey, detail: `${g.label}: started` });
    } else if (k.label !== g.label) {
      k.label = g.label;
      this.#repo.seen({ id: g.id, kind: 'gateway', label: g.label, sessionKey: g.sessionKey }, now);
    }
    if (g.crashed && !k.crashed) {
      k.crashed = true;
      this.mark({ at: now, kind: 'crash', source: g.id, sessionKey: g.sessionKey, detail: `${g.label}: crashed` });
    }
    const p = g.pressure;
    if (p && p.count > k.pressureCount) {
      const higher = p.level === 'critical' && k.pressureLevel !== 'critical';
      if (higher || now - k.pressureMarkedAt >= PRESSURE_MARK_GAP_MS) {
        const rss = p.rssBytes === null ? '' : `, RSS ${Math.round(p.rssBytes / MB)} MB`;
        this.mark({
          at: now,
          kind: 'pressure',
          source: g.id,
          sessionKey: g.sessionKey,
          detail: `${g.label}: OpenClaw reports memory pressure (level=${p.level}, ${p.reason}${rss})`,
        });
        k.pressureMarkedAt = now;
      }
      k.pressureLevel = p.level;
      k.pressureCount = p.count;
    }
  }

  #checkGrowth(g: WatchedGateway, now: number): void {
    const k = this.#known.get(g.id);
    if (!k || !g.running) return;
    const rule = { ...DEFAULT_GROWTH, ...this.#o.growth, mbPerHour: this.#o.mbPerHour() };
    const current = Math.floor(now / rule.windowMs) * rule.windowMs; // complete windows only
    const floors = this.#repo
      .floors(g.id, current - (rule.windows + 1) * rule.windowMs, rule.windowMs)
      .filter((f) => f.at < current);
    const growth = memoryGrowth(floors, rule);
    if (!growth || k.growing) {
      k.growing = growth !== null;
      return;
    }
    k.growing = true;
    const minutes = Math.round((now - growth.sinceAt) / 60_000);
    const detail =
      `${g.label}: RSS between turns rose from ${Math.round(growth.fromBytes / MB)} MB to ` +
      `${Math.round(growth.toBytes / MB)} MB in ${minutes} min (≈ ${growth.mbPerHour} MB/h, over the ` +
      `${rule.mbPerHour} MB/h set)`;
    this.mark({ at: now, kind: 'memory_growth', source: g.id, sessionKey: g.sessionKey, detail });
    this.#o.warn(`memory_growth: ${detail}; restart the gateway before it runs out of memory`);
  }

  #engineCpu(now: number): number | null {
    const used = process.cpuUsage(this.#cpu);
    this.#cpu = process.cpuUsage();
    const elapsed = now - this.#cpuAt;
    this.#cpuAt = now;
    if (elapsed <= 0) return null;
    return Math.round(((used.user + used.system) / 1000 / elapsed) * 1000) / 10;
  }
}
