// A shared gateway: one OpenClaw process hosting up to `capacity` sessions as agents (OpenClaw's
// `agents.ownership "explicit"`), each with its own provider — so its own per-episode key — its own
// workspace dir and its own state under the gateway's state dir. Every agent's sessions live in one
// SQLite store file (`session.store`): with one database per agent, OpenClaw closes one and opens
// another (a worker thread and a verify process, ≈ 2 s of CPU) each time requests switch agents.
//
// Slots are provisioned ahead, parked on fresh keys not yet issued, so a new session's first
// episode takes a slot's key as it is (no reload). A released slot is never handed out again: it is
// replaced by a new agent (new id, empty workspace) in the background, so nothing a session left in
// its agent's workspace or transcripts can reach the next one.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { PROVIDER, providerEntry, type JsonObject, type ProviderBinding } from './config.ts';
import type { Gateway } from './gateway.ts';
import { warm } from './pool.ts';
import type { GatewaySupervisor } from './supervisor.ts';

export interface AgentSlot {
  agentId: string;
  /** The provider of this agent alone (its key is the seated session's episode key). */
  provider: string;
  binding: ProviderBinding;
  workspace: string;
  sessionKey: string | null;
}

export interface SharedOptions {
  capacity: number;
  /** What the gateway is warmed with (the embedded model, no recorder in between). */
  warmup: ProviderBinding;
  /** A fresh parking binding: the recorder with a key not yet issued. */
  park: () => ProviderBinding;
  warn(message: string): void;
  /** false: OpenClaw's default of one session database per agent (benchmarks show what it costs). */
  sharedStore?: boolean;
}

const agentId = () => `a${randomBytes(5).toString('hex')}`;

export class SharedGateway {
  readonly gateway: Gateway;
  readonly capacity: number;
  /** Why the gateway is gone (exited, or killed as wedged); null while it serves. */
  downReason: string | null = null;
  /** Turns in flight on it (the watchdog probes only a gateway that has work). */
  busy = 0;
  private readonly o: SharedOptions;
  private readonly slots = new Map<string, AgentSlot>();

  private constructor(gateway: Gateway, o: SharedOptions) {
    this.gateway = gateway;
    this.capacity = o.capacity;
    this.o = o;
    gateway.extraConfig = () => this.config();
    gateway.extraKeys = () => Object.fromEntries([...this.slots.values()].map((s) => [s.provider, s.binding.apiKey]));
    for (let i = 0; i < o.capacity; i++) this.addSlot(i === 0 ? o.warmup : o.park());
  }

  /** Starts a shared gateway with every slot parked, warmed through its first slot. */
  static async start(supervisor: GatewaySupervisor, o: SharedOptions): Promise<SharedGateway> {
    let host: SharedGateway | null = null;
    const gw = await supervisor.spawn(o.warmup, null, { prepare: (g) => (host = new SharedGateway(g, o)) });
    const h = host!;
    try {
      const first = [...h.slots.values()][0]!;
      await warm(gw, first.agentId);
      first.binding = o.park();
      await gw.applyConfig();
    } catch (err) {
      await supervisor.stop(gw);
      throw err;
    }
    return h;
  }

  private addSlot(binding: ProviderBinding): AgentSlot {
    const id = agentId();
    const slot = { agentId: id, provider: `${PROVIDER}-${id}`, binding, workspace: '', sessionKey: null };
    slot.workspace = join(this.gateway.dir, 'workspaces', id);
    mkdirSync(slot.workspace, { recursive: true, mode: 0o700 });
    this.slots.set(id, slot);
    return slot;
  }

  /** The agents, their providers, and the one session store, over the gateway's own config. */
  private config(): JsonObject {
    const slots = [...this.slots.values()];
    return {
      agents: {
        ownership: 'explicit',
        entries: Object.fromEntries(
          slots.map((s) => [
            s.agentId,
            {
              name: s.agentId,
              workspace: s.workspace,
              model: { primary: `${s.provider}/${s.binding.model}`, fallbacks: [] },
            },
          ]),
        ),
      },
      models: { providers: Object.fromEntries(slots.map((s) => [s.provider, providerEntry(s.provider, s.binding)])) },
      ...(this.o.sharedStore === false
        ? {}
        : { session: { store: join(this.gateway.dir, 'state', 'shared-sessions.sqlite') } }),
    };
  }

  /** Whether the gateway answers its health check within `ms`. */
  async healthy(ms = 3000): Promise<boolean> {
    if (!this.gateway.isRunning) return false;
    try {
      const r = await request(`${this.gateway.url}/health`, { headersTimeout: ms, bodyTimeout: ms });
      await r.body.dump();
      return r.statusCode === 200;
    } catch {
      return false;
    }
  }

  get isRunning(): boolean {
    return this.gateway.isRunning;
  }

  /** Sessions seated here. */
  get seated(): string[] {
    return [...this.slots.values()].flatMap((s) => (s.sessionKey ? [s.sessionKey] : []));
  }

  /** A parked slot for `sessionKey`, or null when every slot is taken. */
  take(sessionKey: string): AgentSlot | null {
    const slot = [...this.slots.values()].find((s) => s.sessionKey === null);
    if (!slot) return null;
    slot.sessionKey = sessionKey;
    return slot;
  }

  /**
   * Points a slot's provider at a binding; resolves once the gateway applied it (a new key alone is
   * a key-file reload, anything else a config reload).
   */
  async bind(slot: AgentSlot, binding: ProviderBinding, workspace?: string): Promise<void> {
    const sameConfig =
      slot.binding.baseUrl === binding.baseUrl &&
      slot.binding.model === binding.model &&
      (workspace === undefined || workspace === slot.workspace);
    if (sameConfig && slot.binding.apiKey === binding.apiKey) return;
    const previous = { binding: slot.binding, workspace: slot.workspace };
    slot.binding = binding;
    if (workspace !== undefined) slot.workspace = workspace;
    try {
      await (sameConfig ? this.gateway.applyKeys() : this.gateway.applyConfig());
    } catch (err) {
      Object.assign(slot, previous);
      throw err;
    }
  }

  /** Gives a slot up: its agent is replaced by a fresh one (in the background). */
  release(slot: AgentSlot): void {
    if (this.slots.get(slot.agentId) !== slot) return;
    this.slots.delete(slot.agentId);
    this.addSlot(this.o.park());
    if (!this.gateway.isRunning) return;
    void this.gateway
      .applyConfig()
      .then(() => rmSync(join(this.gateway.dir, 'workspaces', slot.agentId), { recursive: true, force: true }))
      .catch((err: Error) => {
        // a gateway stopped while it reloaded needs no replacement (the engine stopping, a crash)
        if (this.gateway.isRunning)
          this.o.warn(`shared gateway ${this.gateway.id}: replacing an agent: ${err.message}`);
      });
  }
}
