// What the picture benchmarks draw, written straight into an engine's store: sessions × episodes
// with alerts on the first episodes of each (the alert map), rewards from every source on most
// episodes (the reward plots), and gateways' RSS and CPU each second (the resource series).
import type { Store } from '../../electron/core/store/store.ts';
import type { RewardSource } from '../../shared/domain.ts';

const MB = 1024 * 1024;
const KINDS = ['double_feed', 'history_not_reset', 'cross_episode', 'cross_session', 'stale_key'] as const;
const SOURCES: Array<RewardSource | null> = ['human', 'human', 'api', 'default', null];

/** `sessions` × `episodes`, alerts on the first `leaky` episodes of each, rewards on 4 in 5. */
export function seedEpisodes(store: Store, sessions: number, episodes: number, leaky: number): void {
  const t0 = Date.now() - 3_600_000;
  for (let s = 0; s < sessions; s++) {
    const key = `bench-${String(s).padStart(4, '0')}`;
    store.tx(() => {
      store.sessions.ensure(key, 'direct', t0 + s);
      for (let e = 0; e < episodes; e++) {
        const ep = store.episodes.insert({
          sessionKey: key,
          taskId: `task-${(s * episodes + e) % 20}`,
          metadata: {},
          upstreamKey: `sk-sess-bench-${s}-${e}`,
          upstreamId: null,
          now: t0 + s * episodes + e,
        });
        store.episodes.end(ep.id, t0 + s * episodes + e + 1);
        const source = SOURCES[(s + e) % SOURCES.length]!;
        if (source)
          store.rewards.insert({ episodeId: ep.id, value: ((s * 7 + e * 13) % 11) / 10, source, labeler: 'bench' });
        if (e < leaky)
          store.alerts.insert({
            kind: KINDS[(s + e) % KINDS.length]!,
            severity: 'error',
            sessionKey: key,
            episodeId: ep.id,
            turnId: null,
            callId: null,
            message: 'planted by the benchmark',
            evidence: [],
          });
      }
    });
  }
}

/** `gateways` gateways sampled each second over the last `seconds`, RSS creeping and swinging. */
export function seedResources(store: Store, gateways: number, seconds: number): void {
  const now = Math.floor(Date.now() / 1000) * 1000;
  const from = now - seconds * 1000;
  for (let g = 0; g < gateways; g++)
    store.resources!.seen(
      { id: `gw-bench-${g}`, kind: 'gateway', label: `session bench-${g}`, sessionKey: null },
      from,
    );
  for (let i = 0; i < seconds; i += 600) {
    store.tx(() => {
      for (let j = i; j < Math.min(seconds, i + 600); j++) {
        const rows = Array.from({ length: gateways }, (_, g) => ({
          source: `gw-bench-${g}`,
          rss: Math.round((400 + g * 30 + j / 200 + 150 * Math.abs(Math.sin(j / 90 + g))) * MB),
          cpu: Math.round(50 * Math.abs(Math.sin(j / 30 + g)) * 10) / 10,
        }));
        store.resources!.sample(from + j * 1000, rows);
      }
    });
  }
  for (let g = 0; g < gateways; g++)
    store.resources!.seen({ id: `gw-bench-${g}`, kind: 'gateway', label: `session bench-${g}`, sessionKey: null }, now);
  store.resources!.mark({
    at: now - 3_600_000,
    kind: 'restart',
    source: 'gw-bench-0',
    sessionKey: null,
    detail: 'planted by the benchmark',
  });
}
