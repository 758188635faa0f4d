// The one list of leak detectors. The analyzer runs what is registered here, the UI and the alert
// filters learn every kind (label, severity, fix) from it through AppInfo, and docs/leaks.md's table
// is written from it (`npm run docs:detectors`; a test keeps the file true). Adding a detector: one
// module in detectors/, one line in BUILTIN_DETECTORS, one leak-lab scenario that plants what it
// finds. A detector of the user's own comes in as a module named in the `detectors` setting.
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { AlertKindInfo, Severity } from '../../../shared/domain.ts';
import { SIGNAL_NAMES, type Detector, type KindInfo, type SignalName } from './detector.ts';
import { backgroundCallDetector } from './detectors/background-call.ts';
import { crossEpisodeDetector } from './detectors/cross-episode.ts';
import { crossSessionDetector } from './detectors/cross-session.ts';
import { doubleFeedDetector } from './detectors/double-feed.ts';
import { historyNotResetDetector } from './detectors/history-not-reset.ts';
import { historyRewrittenDetector } from './detectors/history-rewritten.ts';
import { keyMismatchDetector } from './detectors/key-mismatch.ts';
import { retryOrphanDetector } from './detectors/retry-orphan.ts';
import { staleKeyDetector } from './detectors/stale-key.ts';
import { stateCarryoverDetector } from './detectors/state-carryover.ts';
import { systemPromptDriftDetector } from './detectors/system-prompt-drift.ts';
import { templateDriftDetector } from './detectors/template-drift.ts';
import { tokenPrefixBreakDetector } from './detectors/token-prefix-break.ts';

/** In the order they run on a call: history-rewritten before double feed (it explains messages to it). */
export const BUILTIN_DETECTORS = [
  backgroundCallDetector,
  keyMismatchDetector,
  historyRewrittenDetector,
  doubleFeedDetector,
  historyNotResetDetector,
  retryOrphanDetector,
  systemPromptDriftDetector,
  crossEpisodeDetector,
  crossSessionDetector,
  staleKeyDetector,
  stateCarryoverDetector,
  tokenPrefixBreakDetector,
  templateDriftDetector,
] as const;

const severity = z.enum(['info', 'warning', 'error'] satisfies Severity[]);
const line = z.string().trim().min(1).max(600);
const kindInfo = z.strictObject({ label: z.string().trim().min(1).max(60), severity, means: line, fix: line });
/** What a detector module must export: checked, since a user's own module is code we did not write. */
const detectorShape = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower case letters, digits and dashes'),
  reads: z.enum(SIGNAL_NAMES),
  how: z.string().trim().min(1).max(2000),
  kinds: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'lower case letters, digits and underscores'), kindInfo),
  check: z.custom<Detector['check']>((v) => typeof v === 'function', 'must be a function'),
});

export class DetectorError extends Error {}

export class DetectorRegistry {
  readonly #detectors: Detector[] = [];
  readonly #kinds = new Map<string, KindInfo & { detector: string }>();

  constructor(detectors: readonly Detector[] = BUILTIN_DETECTORS) {
    for (const d of detectors) this.add(d);
  }

  /** Registers a detector; a malformed one, a second use of an id or of a kind is refused. */
  add(candidate: unknown, from = 'a detector'): void {
    const parsed = detectorShape.safeParse(candidate);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'it'}: ${i.message}`).join('; ');
      throw new DetectorError(`${from} is not a detector: ${why}`);
    }
    const d = candidate as Detector;
    if (this.#detectors.some((x) => x.id === d.id)) throw new DetectorError(`${from}: detector id "${d.id}" is taken`);
    const kinds = Object.keys(d.kinds);
    if (kinds.length === 0) throw new DetectorError(`${from}: detector "${d.id}" declares no kind of alert`);
    for (const kind of kinds) {
      const owner = this.#kinds.get(kind);
      if (owner) throw new DetectorError(`${from}: alert kind "${kind}" is already raised by "${owner.detector}"`);
    }
    for (const kind of kinds) this.#kinds.set(kind, { ...d.kinds[kind]!, detector: d.id });
    this.#detectors.push(d);
  }

  /** The detectors that read a signal, in registration order. */
  reading<S extends SignalName>(signal: S): Array<Detector<S>> {
    return this.#detectors.filter((d): d is Detector<S> => d.reads === signal);
  }

  kind(kind: string): KindInfo | undefined {
    return this.#kinds.get(kind);
  }

  /** Every kind of alert, for the UI, the API's filters and the docs. */
  kinds(): AlertKindInfo[] {
    return [...this.#kinds].map(([kind, k]) => ({
      kind,
      label: k.label,
      severity: k.severity,
      means: k.means,
      fix: k.fix,
      detector: k.detector,
    }));
  }

  get detectors(): readonly Detector[] {
    return this.#detectors;
  }
}

/**
 * The built-in detectors and those of the given modules (paths or file URLs; each exports a
 * detector, or a list of them, as its default export). A module that does not load or does not
 * hold detectors is refused with its name.
 */
export async function loadDetectors(modules: readonly string[]): Promise<DetectorRegistry> {
  const registry = new DetectorRegistry();
  for (const m of modules) {
    const url = m.startsWith('file:') ? m : pathToFileURL(m).href;
    let loaded: { default?: unknown };
    try {
      loaded = (await import(url)) as { default?: unknown };
    } catch (err) {
      throw new DetectorError(`detector module ${m} could not be loaded: ${(err as Error).message}`);
    }
    const exported = loaded.default;
    if (exported === undefined) throw new DetectorError(`detector module ${m} has no default export`);
    for (const d of Array.isArray(exported) ? exported : [exported]) registry.add(d, `detector module ${m}`);
  }
  return registry;
}
