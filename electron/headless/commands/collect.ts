// `trajscope collect`: the remote engines' recorded data copied into a local data dir for offline
// work. Each remote session's ended episodes are read through its engine's export (every call,
// failed ones too, labels as labels) and imported here as read-only episodes, through the leak
// detectors, into one session per remote session (import-<host>-<key>). An episode collected before
// is not read again, so a second run adds only what ended since, and a run cut short goes on where
// it stopped: each session is imported whole or not at all. Episodes still open are left for a
// later run and counted. A label given on the remote after its episode was collected is not
// carried over (the collected copy keeps the label it had).
import { LeakAnalyzer } from '../../core/analysis/analyzer.ts';
import { loadConfig } from '../../core/config/cli.ts';
import { EngineEvents } from '../../core/events.ts';
import { RemoteHost } from '../../core/hub/remote.ts';
import { ExternalTurns } from '../../core/sessions/external-turns.ts';
import { Store } from '../../core/store/store.ts';
import { importTrajectories } from '../../core/trajectory-import/importer.ts';
import { UsageError } from './usage.ts';

export interface CollectArgs {
  dataDir: string;
  config?: string | undefined;
  /** The remotes to collect from ("all", or names). */
  hosts: 'all' | string[];
  json: boolean;
}

export interface CollectTally {
  host: string;
  sessions: number;
  collected: number;
  alreadyHere: number;
  stillOpen: number;
  /** Ended episodes with no call to copy. */
  empty: number;
  interactions: number;
  alerts: number;
}

export async function collectCommand(a: CollectArgs): Promise<void> {
  const remotes = loadConfig({ flags: { dataDir: a.dataDir }, configFile: a.config }).current.remotes ?? [];
  if (!remotes.length)
    throw new UsageError('collect needs remotes: a "remotes" list in the --config file, or TRAJSCOPE_REMOTES');
  const names = a.hosts === 'all' ? remotes.map((r) => r.name) : a.hosts;
  const unknown = names.filter((n) => !remotes.some((r) => r.name === n));
  if (unknown.length)
    throw new UsageError(`unknown host ${unknown.join(', ')} (configured: ${remotes.map((r) => r.name).join(', ')})`);
  const hosts = remotes.filter((r) => names.includes(r.name)).map((r) => new RemoteHost(r, 30_000));
  const store = new Store(a.dataDir, { startedBy: 'trajscope collect' });
  try {
    const events = new EngineEvents();
    const parts = {
      store,
      events,
      externalTurns: new ExternalTurns(store, events),
      analyzer: new LeakAnalyzer(store, events),
    };
    const tallies: CollectTally[] = [];
    for (const host of hosts) {
      const t = await collectHost(host, parts);
      tallies.push(t);
      if (!a.json)
        process.stderr.write(
          `${t.host}: ${t.collected} episode(s) collected ` +
            `(${t.interactions} interaction(s), ${t.alerts} leak alert(s)) ` +
            `from ${t.sessions} session(s); ${t.alreadyHere} already here; ${t.stillOpen} still open (collected once ` +
            `they end)${t.empty ? `; ${t.empty} ended without a call` : ''}\n`,
        );
    }
    if (a.json) process.stdout.write(JSON.stringify(tallies) + '\n');
  } finally {
    store.close();
  }
}

async function collectHost(host: RemoteHost, parts: Parameters<typeof importTrajectories>[0]): Promise<CollectTally> {
  const file = `${host.name}.collect`;
  const have = parts.store.episodes.importedFrom(file);
  const tally: CollectTally = {
    host: host.name,
    sessions: 0,
    collected: 0,
    alreadyHere: 0,
    stillOpen: 0,
    empty: 0,
    interactions: 0,
    alerts: 0,
  };
  for (const session of await host.listSessions()) {
    tally.sessions++;
    const ended = await episodeIds(host, session.key, 'ended');
    tally.stillOpen += (await episodeIds(host, session.key, 'open')).length;
    const wanted = new Set(ended.filter((id) => !have.has(id)));
    tally.alreadyHere += ended.length - wanted.size;
    if (!wanted.size) continue;
    const lines: string[] = [];
    const withLines = new Set<string>();
    const req = { sessionKey: session.key, unlabeled: 'null', includeLab: true, includeFailed: true } as const;
    for await (const line of host.exportLines({ ...req, dropRetryOrphans: false, discount: 1 })) {
      const id = (JSON.parse(line) as { episode_id?: string }).episode_id ?? '';
      if (!wanted.has(id)) continue;
      lines.push(line);
      withLines.add(id);
    }
    // an ended episode without a call has no line: nothing to copy (asked again next time)
    tally.empty += wanted.size - withLines.size;
    if (!lines.length) continue;
    const r = importTrajectories(parts, file, lines.join('\n') + '\n', { sameSessions: true });
    tally.collected += r.episodes.length;
    tally.interactions += r.interactions;
    tally.alerts += r.alerts;
  }
  return tally;
}

async function episodeIds(host: RemoteHost, sessionKey: string, status: 'open' | 'ended'): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await host.invoke('episodes:list', { sessionKey, status, limit: 1000, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((e) => e.id));
    cursor = page.next ?? undefined;
  } while (cursor);
  return ids;
}
