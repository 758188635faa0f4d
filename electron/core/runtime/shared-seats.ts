// Seats on shared gateways: which session sits in which agent slot of which shared gateway, new
// shared gateways when every slot is taken (one start at a time, so sessions arriving together
// fill one gateway), and what happens when a shared gateway dies or wedges: every session seated
// there is told, and none is seated there again.
import type { ProviderBinding } from '../gateways/config.ts';
import { SharedGateway, type AgentSlot } from '../gateways/shared-gateway.ts';
import type { GatewaySupervisor } from '../gateways/supervisor.ts';

export interface Seat {
  host: SharedGateway;
  agent: AgentSlot;
}

export interface SharedSeatsOptions {
  supervisor: GatewaySupervisor;
  /** Sessions per shared gateway, for gateways started from now on. */
  capacity(): number;
  warmup(): ProviderBinding;
  park(): ProviderBinding;
  warn(message: string): void;
  /** Whether a shared gateway with free slots is kept ready ahead of need (the warm pool). */
  spare(): boolean;
  /** A session sat down on a gateway (for the log index: its lines are the session's from now on). */
  onSeat?(sessionKey: string, gatewayId: string, agentId: string): void;
  /** A session left a gateway. */
  onUnseat?(sessionKey: string, gatewayId: string): void;
  /** A shared gateway died with these sessions on it. */
  onHostDown?(sessionKeys: string[], host: SharedGateway): void;
  /** How often a shared gateway with turns in flight is probed (two failed probes: wedged). */
  watchdogMs?: number;
  /** false: one session database per agent, OpenClaw's default (benchmarks only). */
  sharedStore?: boolean;
}

export class SharedSeats {
  private readonly o: SharedSeatsOptions;
  private hosts: SharedGateway[] = [];
  private starting: Promise<SharedGateway> | null = null;
  private stopped = false;

  constructor(o: SharedSeatsOptions) {
    this.o = o;
  }

  get gateways(): SharedGateway[] {
    return [...this.hosts];
  }

  /** A free slot on a running shared gateway, at once, or null. */
  takeNow(sessionKey: string): Seat | null {
    for (const host of this.hosts) {
      if (!host.isRunning) continue;
      const agent = host.take(sessionKey);
      if (agent) {
        this.keepSpare();
        return this.seated(sessionKey, host, agent);
      }
    }
    return null;
  }

  /** With a warm pool asked for, the next shared gateway starts before the last slot is taken. */
  private keepSpare(): void {
    if (!this.stopped && this.o.spare())
      void this.prefill().catch((err: Error) => {
        // A spare cut short by the engine stopping is not news.
        if (!this.stopped) this.o.warn(`shared gateway: ${err.message}`);
      });
  }

  /** A free slot, starting a shared gateway when every slot is taken. */
  async take(sessionKey: string): Promise<Seat> {
    for (;;) {
      const now = this.takeNow(sessionKey);
      if (now) return now;
      if (this.stopped) throw new Error('the engine is stopping');
      this.starting ??= this.startHost().finally(() => (this.starting = null));
      await this.starting;
    }
  }

  /** Starts a shared gateway ahead of need (the warm pool of shared mode). */
  async prefill(): Promise<void> {
    if (this.hosts.some((h) => h.isRunning && h.seated.length < h.capacity)) return;
    this.starting ??= this.startHost().finally(() => (this.starting = null));
    await this.starting;
  }

  private async startHost(): Promise<SharedGateway> {
    const host = await SharedGateway.start(this.o.supervisor, {
      capacity: this.o.capacity(),
      warmup: this.o.warmup(),
      park: () => this.o.park(),
      warn: (m) => this.o.warn(m),
      sharedStore: this.o.sharedStore,
    });
    if (this.stopped) {
      await this.o.supervisor.stop(host.gateway);
      throw new Error('the engine is stopping');
    }
    host.gateway.onCrash = () => this.down(host);
    this.hosts.push(host);
    this.watch(host);
    return host;
  }

  /**
   * A wedged turn can hold a whole shared gateway (a stuck event loop answers nothing): while it
   * has turns in flight it is probed, and two failed health checks in a row take it down, so its
   * sessions fail now with a clear error instead of waiting out a turn timeout.
   */
  private watch(host: SharedGateway): void {
    const every = this.o.watchdogMs ?? 5000;
    let failures = 0;
    let probing = false;
    const timer = setInterval(() => {
      if (host.downReason || !this.hosts.includes(host)) return clearInterval(timer);
      if (probing) return;
      if (host.busy === 0) return void (failures = 0);
      probing = true;
      void host
        .healthy(Math.min(3000, every))
        .then(async (ok) => {
          failures = ok ? 0 : failures + 1;
          if (failures >= 2) await this.kill(host, 'stopped answering its health check with turns in flight (wedged)');
        })
        .finally(() => (probing = false));
    }, every);
    timer.unref();
  }

  private seated(sessionKey: string, host: SharedGateway, agent: AgentSlot): Seat {
    this.o.onSeat?.(sessionKey, host.gateway.id, agent.agentId);
    return { host, agent };
  }

  /** The session leaves its seat; the slot's agent is replaced by a fresh one. */
  release(sessionKey: string, seat: Seat): void {
    this.o.onUnseat?.(sessionKey, seat.host.gateway.id);
    seat.host.release(seat.agent);
  }

  /** A shared gateway died: its sessions are told; nobody is seated on it again. */
  private down(host: SharedGateway, why = `${host.gateway.describeExit()}`): void {
    host.downReason ??= why;
    this.hosts = this.hosts.filter((h) => h !== host);
    const keys = host.seated;
    for (const k of keys) this.o.onUnseat?.(k, host.gateway.id);
    this.o.onHostDown?.(keys, host);
    // what is left of it goes (its log file stays); a replacement starts if one is kept ready
    void this.o.supervisor
      .stop(host.gateway, 1000)
      .catch((err: Error) => this.o.warn(`shared gateway ${host.gateway.id} could not be stopped: ${err.message}`));
    this.keepSpare();
  }

  /**
   * A shared gateway that stopped answering (a wedged turn): it is marked crashed, its sessions are
   * told, and its processes are killed.
   */
  async kill(host: SharedGateway, why: string): Promise<void> {
    if (!this.hosts.includes(host)) return;
    host.gateway.log.write('system', `\n[trajscope] ${why}: stopping the shared gateway\n`);
    this.down(host, `OpenClaw gateway ${host.gateway.id} (pid ${host.gateway.pid}) ${why}`);
    await this.o.supervisor.stop(host.gateway, 1000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting?.catch(() => {}); // settled only; its failure was reported to its caller
    await Promise.all(this.hosts.splice(0).map((h) => this.o.supervisor.stop(h.gateway)));
  }
}
