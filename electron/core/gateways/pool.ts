// A warm pool of pre-started gateways. Cold start plus the first request cost seconds, so pooled
// gateways are started bound to a warm-up model, warmed with one throwaway request, then parked:
// rebound (in the background) to the recorder with a fresh, not yet issued episode key. A new
// session's first episode is then given that very key, so handing a gateway out needs no reload.
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import type { ProviderBinding } from './config.ts';
import type { Gateway } from './gateway.ts';
import type { GatewaySupervisor } from './supervisor.ts';

export class GatewayPool {
  private readonly supervisor: GatewaySupervisor;
  private readonly warmup: ProviderBinding;
  private readonly park: () => ProviderBinding;
  private size = 0;
  private readonly ready: Gateway[] = [];
  private filling: Promise<void> | null = null;
  /** A gateway of the pool is on its way (spawned, warming up, parking). */
  private starting = false;
  private stopped = false;
  /** A session waiting for the gateway the pool is starting (one at a time: the next one spawns its own). */
  private waiter: (() => void) | null = null;
  /** Why the last fill failed (shown in Settings), cleared by the next fill that succeeds. */
  lastError: string | null = null;
  /** Told when a fill fails: a background failure has no caller, so it is reported here. */
  onError: ((message: string) => void) | null = null;

  constructor(supervisor: GatewaySupervisor, warmup: ProviderBinding, park: () => ProviderBinding) {
    this.supervisor = supervisor;
    this.warmup = warmup;
    this.park = park;
  }

  get available(): number {
    return this.ready.length;
  }

  setSize(size: number): void {
    this.size = size;
    this.fill();
  }

  /** Starts gateways in the background, one at a time, until the pool holds `size`. */
  fill(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!this.filling && this.ready.length < this.size) this.starting = true; // on its way from now
    this.filling ??= (async () => {
      // the run's end (below) must come after `filling` is set, even when it has nothing to start
      await null;
      try {
        while (!this.stopped && this.ready.length < this.size) {
          const gw = await this.supervisor.spawn(this.warmup, null);
          try {
            await warm(gw);
            await gw.rebind(this.park());
          } catch (err) {
            await this.supervisor.stop(gw);
            throw err;
          }
          if (this.stopped) await this.supervisor.stop(gw);
          else this.ready.push(gw);
          this.wake(); // a session waiting for this one takes it (a bigger pool goes on filling)
        }
        this.lastError = null;
      } catch (err) {
        this.lastError = (err as Error).message;
        // a start cut short by stop() is not a failure worth reporting
        if (!this.stopped) this.onError?.(this.lastError);
      } finally {
        this.filling = null;
        this.starting = false;
        this.wake(); // the waiter takes what is ready, or (a failed fill) starts a gateway of its own
      }
    })();
    return this.filling;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /**
   * A warm gateway now, or the one the pool is already starting (a session opened right after the
   * engine started): waiting for it is faster than a second cold start beside it on the same cores.
   * Null when the pool has nothing ready or on its way (the caller starts its own).
   */
  async takeSoon(): Promise<Gateway | null> {
    const starting = this.starting && this.ready.length === 0 && this.waiter === null;
    const now = this.take();
    if (now || !starting) return now;
    await new Promise<void>((resolve) => (this.waiter = resolve));
    return this.take();
  }

  /** A warm gateway if one is ready (the pool then refills), else null. */
  take(): Gateway | null {
    while (this.ready.length > 0) {
      const gw = this.ready.shift()!;
      if (gw.isRunning) {
        void this.fill();
        return gw;
      }
      void this.supervisor.stop(gw);
    }
    void this.fill();
    return null;
  }

  /** Waits for a fill in progress to end (tests and benchmarks use this). */
  async settle(): Promise<void> {
    while (this.filling) await this.filling;
  }

  /** Stops the ready gateways; one still starting is stopped by the supervisor or by the fill loop. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await Promise.all(this.ready.splice(0).map((g) => this.supervisor.stop(g)));
  }
}

/**
 * One throwaway request: the gateway's first request costs seconds of warm-up. A shared gateway is
 * warmed through one of its agents (`agentId`), whose session keys must then be agent-scoped.
 */
export async function warm(gw: Gateway, agentId?: string): Promise<void> {
  const key = `trajscope-warmup:${randomUUID()}`;
  const res = await request(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${gw.token}`,
      'content-type': 'application/json',
      'x-openclaw-session-key': agentId ? `agent:${agentId}:${key}` : key,
    },
    body: JSON.stringify({
      model: agentId ? `openclaw/${agentId}` : 'openclaw/default',
      messages: [{ role: 'user', content: 'warm-up' }],
    }),
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200)
    throw new Error(`warm-up request to ${gw.id} answered ${res.statusCode}: ${text.slice(0, 200)}`);
}
