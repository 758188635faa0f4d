// Every OpenClaw gateway the engine runs, counted for the status bar: the workbench's own (sessions,
// warm pool, shared gateways) and those of leak-lab runs, each lab run's supervisor added while it
// runs. Sampled each second; an event only when what the bar shows changes.
import type { GatewayStats } from '../../../shared/domain.ts';
import type { EngineEvents } from '../events.ts';
import type { Gateway } from './gateway.ts';
import type { GatewaySupervisor } from './supervisor.ts';

const MB = 1024 * 1024;

export class GatewayAccounting {
  readonly #events: EngineEvents;
  readonly #pooled: () => number;
  readonly #supervisors = new Map<GatewaySupervisor, 'workbench' | 'lab'>();
  #shown = '';
  #timer: NodeJS.Timeout | null = null;

  constructor(events: EngineEvents, pooled: () => number) {
    this.#events = events;
    this.#pooled = pooled;
  }

  /** Counts a supervisor's gateways until the returned function is called. */
  add(supervisor: GatewaySupervisor, role: 'workbench' | 'lab'): () => void {
    this.#supervisors.set(supervisor, role);
    this.#timer ??= setInterval(() => this.#tick(), 1000);
    this.#timer.unref();
    return () => {
      this.#supervisors.delete(supervisor);
      this.#tick();
    };
  }

  /** Every gateway counted now, with whose it is (the resource history samples them). */
  gateways(): Array<{ gw: Gateway; role: 'workbench' | 'lab' }> {
    return [...this.#supervisors].flatMap(([supervisor, role]) => supervisor.running.map((gw) => ({ gw, role })));
  }

  stats(): GatewayStats {
    const s: GatewayStats = { alive: 0, rssBytes: 0, pooled: this.#pooled(), lab: 0, underPressure: 0, unmeasured: 0 };
    for (const [supervisor, role] of this.#supervisors) {
      for (const gw of supervisor.running) {
        if (!gw.isRunning) continue;
        s.alive++;
        if (gw.rssBytes === null) s.unmeasured++;
        else s.rssBytes += gw.rssBytes;
        if (role === 'lab') s.lab++;
        if (gw.memoryPressure) s.underPressure++;
      }
    }
    return s;
  }

  #tick(): void {
    const s = this.stats();
    const shown = JSON.stringify({ ...s, rssBytes: Math.round(s.rssBytes / MB) });
    if (shown === this.#shown) return;
    this.#shown = shown;
    this.#events.emit('gateways:stats', s);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#supervisors.clear();
  }
}
