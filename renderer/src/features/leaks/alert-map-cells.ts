// The alert map's cells, worked out from what the engine counted: one per leaky episode (sessions ×
// episodes), or, zoomed to one session, one per leaky turn (its episodes × turns); their hover text.
import type { AlertMap as AlertMapData, TurnAlertMap } from '../../../../shared/api.ts';
import type { AlertKind } from '../../../../shared/domain.ts';
import { clock } from '../../format.ts';
import type { MapCell } from './alert-map-plot.ts';

/** One cell per episode: its most raised kind, every kind with its count, its first alert. */
export function mapCells(data: AlertMapData, keep: (sessionKey: string, kind: AlertKind) => boolean): MapCell[] {
  const { cells: c } = data;
  const byEpisode = new Map<string, MapCell>();
  for (let i = 0; i < c.session.length; i++) {
    const sessionKey = data.sessions[c.session[i]!]!;
    const kind = data.kinds[c.kind[i]!]!;
    if (!keep(sessionKey, kind)) continue;
    const id = c.episodeId[i]!;
    const count = c.count[i]!;
    const cell = byEpisode.get(id);
    if (!cell) {
      byEpisode.set(id, {
        row: sessionKey,
        column: c.episodeIndex[i]!,
        sessionKey,
        episodeId: id,
        turnId: null,
        turnIndex: null,
        episodeIndex: c.episodeIndex[i]!,
        kind,
        total: count,
        kinds: [[kind, count]],
        firstAt: c.firstAt[i]!,
      });
      continue;
    }
    if (count > cell.kinds.find(([k]) => k === cell.kind)![1]) cell.kind = kind;
    cell.total += count;
    cell.kinds.push([kind, count]);
    cell.firstAt = Math.min(cell.firstAt, c.firstAt[i]!);
  }
  return [...byEpisode.values()];
}

export function sameMap(a: AlertMapData, b: AlertMapData): boolean {
  const { cells: x } = a;
  const { cells: y } = b;
  if (a.truncated !== b.truncated || x.count.length !== y.count.length || a.sessions.length !== b.sessions.length)
    return false;
  for (let i = 0; i < x.count.length; i++)
    if (x.count[i] !== y.count[i] || x.episodeId[i] !== y.episodeId[i] || x.kind[i] !== y.kind[i]) return false;
  return a.sessions.every((k, i) => k === b.sessions[i]) && a.kinds.every((k, i) => k === b.kinds[i]);
}

/** A cell in words, for its hover text. */
export function cellTitle(c: MapCell, label: (k: AlertKind) => string): string {
  return (
    `session ${c.sessionKey} · episode ${c.episodeIndex}${c.turnIndex === null ? '' : ` · turn ${c.turnIndex}`}: ` +
    c.kinds.map(([k, n]) => `${label(k)} ×${n}`).join(', ') +
    ` · first ${clock(c.firstAt)}`
  );
}

/**
 * One session zoomed to turns: a cell per turn that raised alerts (rows are its episodes, oldest
 * first); alerts on no turn are counted apart.
 */
export function turnCells(
  data: TurnAlertMap,
  sessionKey: string,
  keep: (kind: AlertKind) => boolean,
): { cells: MapCell[]; rows: string[]; offTurn: number } {
  const byTurn = new Map<string, MapCell>();
  let offTurn = 0;
  for (const c of data.cells) {
    if (!keep(c.kind)) continue;
    if (c.turnId === null || c.turnIndex === null) {
      offTurn += c.count;
      continue;
    }
    const cell = byTurn.get(c.turnId);
    if (!cell) {
      byTurn.set(c.turnId, {
        row: `episode ${c.episodeIndex}`,
        column: c.turnIndex,
        sessionKey,
        episodeId: c.episodeId,
        episodeIndex: c.episodeIndex,
        turnId: c.turnId,
        turnIndex: c.turnIndex,
        kind: c.kind,
        total: c.count,
        kinds: [[c.kind, c.count]],
        firstAt: c.firstAt,
      });
      continue;
    }
    if (c.count > cell.kinds.find(([k]) => k === cell.kind)![1]) cell.kind = c.kind;
    cell.total += c.count;
    cell.kinds.push([c.kind, c.count]);
    cell.firstAt = Math.min(cell.firstAt, c.firstAt);
  }
  const cells = [...byTurn.values()];
  const rows = [...new Set(cells.sort((x, y) => x.episodeIndex - y.episodeIndex).map((c) => c.row))];
  return { cells, rows, offTurn };
}
