// Settings: Connections (the model server and the OpenClaw binary, applied to new episodes and
// gateways without a restart), gateway mode, OpenClaw isolation and config overlay, labeling,
// theme, storage (prune, vacuum), and what this run was started with. Saved keys are never shown
// back: only a hint that one is set.
import { DraftConflict } from '../../forms/DraftConflict.tsx';
import { useDraft } from '../../forms/use-draft.ts';
import type { InvokeRequest } from '../../../../shared/api.ts';
import type { ConfigKey, ConfigPatch } from '../../../../shared/config.ts';
import { GATEWAY_MODES, ISOLATION_MODES, type GatewayMode } from '../../../../shared/domain.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { saveConfig as saveConfigOf, savePrefs as savePrefsOf, useEffectiveGatewayConfig } from './actions.ts';
import { Connections } from './Connections.tsx';
import { Hosts } from './Hosts.tsx';
import { Storage } from './Storage.tsx';

const ISOLATION_HELP: Record<(typeof ISOLATION_MODES)[number], string> = {
  rebind: 'the same gateway (or agent) for the session, re-keyed per episode (fast)',
  fresh: 'a new gateway (or, shared, a new agent) per episode: nothing carries over',
};

const GATEWAY_MODE_HELP: Record<GatewayMode, string> = {
  'per-session': 'an OpenClaw process of its own for each session (≈ 1.1 GB each)',
  shared: 'sessions as agents of shared OpenClaw processes, each with its own key and workspace (far less memory)',
};

export function SettingsView() {
  const store = useStoreApi();
  const settings = useStore((s) => s.settings);
  const config = useStore((s) => s.config);
  const info = useStore((s) => s.info);
  const selected = useStore((s) => s.route.sessionKey);
  // typed text survives reloads of the snapshot (use-draft.ts): a saved value fills a field only
  // while the user has not touched it, and a save made elsewhere under an edit is named
  const scaleDraft = useDraft(settings ? settings.rewardScale.join(', ') : '');
  const labelerDraft = useDraft(settings?.labeler ?? '');
  const perGatewayDraft = useDraft(String(config?.values.sessionsPerGateway ?? 8));
  const savedOverlay = config?.values.openclawConfig;
  const overlayDraft = useDraft(
    JSON.stringify(typeof savedOverlay === 'object' && savedOverlay !== null ? savedOverlay : {}, null, 2),
  );
  const [scale, labeler, overlay] = [scaleDraft.value, labelerDraft.value, overlayDraft.value];
  const effective = useEffectiveGatewayConfig(selected);

  if (!settings || !info || !config) return <div className="empty">Loading settings…</div>;
  const notice = store.getState().setNotice;
  const savePrefs = (patch: InvokeRequest<'settings:set'>) => savePrefsOf(store, patch);
  const saveConfig = (patch: ConfigPatch, done: string) => saveConfigOf(store, patch, done);
  const pinned = (k: ConfigKey) => config.pinned.includes(k);
  return (
    <div className="settings">
      <h2>Settings</h2>
      <Connections config={config} info={info} saveConfig={saveConfig} />
      <section aria-label="Gateways">
        <h3>Gateways</h3>
        <Choices
          name="gateway-mode"
          options={GATEWAY_MODES}
          help={GATEWAY_MODE_HELP}
          value={config.values.gatewayMode}
          disabled={pinned('gatewayMode')}
          choose={(mode) =>
            void saveConfig({ gatewayMode: mode }, `Gateway mode ${mode} applies to sessions started from now on.`)
          }
        />
        <label className="inline">
          Sessions per shared gateway{' '}
          <input
            aria-label="Sessions per shared gateway"
            type="number"
            min={1}
            max={64}
            disabled={pinned('sessionsPerGateway')}
            value={perGatewayDraft.value}
            onChange={(e) => perGatewayDraft.set(e.target.value)}
            onBlur={() =>
              perGatewayDraft.touched &&
              void saveConfig(
                { sessionsPerGateway: Number(perGatewayDraft.value) },
                'Applies to shared gateways started from now on.',
              )
            }
          />
        </label>
        <DraftConflict draft={perGatewayDraft} />
      </section>
      <section aria-label="OpenClaw isolation">
        <h3>OpenClaw isolation and overlay</h3>
        <Choices
          name="iso"
          options={ISOLATION_MODES}
          help={ISOLATION_HELP}
          value={config.values.isolation}
          disabled={pinned('isolation')}
          choose={(mode) => void saveConfig({ isolation: mode }, `Isolation ${mode} applies from the next episode.`)}
        />
        <label>
          Config overlay (JSON merged over the safe config; port, token and provider always win)
          <textarea
            aria-label="Config overlay"
            rows={6}
            value={overlay}
            disabled={pinned('openclawConfig')}
            onChange={(e) => overlayDraft.set(e.target.value)}
          />
        </label>
        <DraftConflict draft={overlayDraft} show={(v) => v.replace(/\s+/g, ' ').slice(0, 80)} />
        <button
          type="button"
          disabled={pinned('openclawConfig')}
          onClick={() => {
            let parsed: unknown;
            try {
              parsed = JSON.parse(overlay || '{}');
            } catch (e) {
              return notice(`Overlay is not JSON: ${(e as Error).message}`, 'error');
            }
            void saveConfig(
              { openclawConfig: parsed as Record<string, unknown> },
              'Overlay saved: it applies to gateways started from now on.',
            );
          }}
        >
          Save overlay
        </button>
        {effective && (
          <details>
            <summary>Effective config of {selected}'s gateway</summary>
            <pre className="json">{effective}</pre>
          </details>
        )}
      </section>
      <section aria-label="Labeling">
        <h3>Labeling</h3>
        <label>
          Reward scale (keys 1–9, 0){' '}
          <input aria-label="Reward scale" value={scale} onChange={(e) => scaleDraft.set(e.target.value)} />
        </label>
        <DraftConflict draft={scaleDraft} />
        <label>
          Labeler <input aria-label="Labeler" value={labeler} onChange={(e) => labelerDraft.set(e.target.value)} />
        </label>
        <DraftConflict draft={labelerDraft} />
        <button
          type="button"
          onClick={() => {
            const values = scale.split(',').map((x) => Number(x.trim()));
            if (values.some((v) => !Number.isFinite(v)))
              return notice('The scale must be numbers separated by commas.', 'error');
            void savePrefs({ rewardScale: values, labeler });
          }}
        >
          Save labeling
        </button>
      </section>
      <section aria-label="Theme">
        <h3>Theme</h3>
        {(['system', 'dark', 'light'] as const).map((t) => (
          <label key={t} className="inline">
            <input
              type="radio"
              name="theme"
              checked={settings.theme === t}
              onChange={() => void savePrefs({ theme: t })}
            />{' '}
            {t}
          </label>
        ))}
      </section>
      <Hosts />
      <Storage />
      <RunFacts />
    </div>
  );
}

/** What this run was started with (read-only: these need a restart). */
function RunFacts() {
  const info = useStore((s) => s.info)!;
  const config = useStore((s) => s.config)!;
  const source = (k: ConfigKey) => config.sources[k] ?? 'default';
  return (
    <section aria-label="This run">
      <h3>This run</h3>
      <dl className="facts">
        <dt>Data dir</dt>
        <dd>
          {info.dataDir} <span className="muted small">({source('dataDir')})</span>
        </dd>
        <dt>Runtime</dt>
        <dd>
          {info.defaultRuntime} <span className="muted small">(of {info.runtimes.join(', ')})</span>
        </dd>
        <dt>DataProxy</dt>
        <dd>{info.proxyUrl}</dd>
        <dt>Recorder</dt>
        <dd>{info.upstreamUrl}</dd>
        <dt>Version</dt>
        <dd>{info.version}</dd>
      </dl>
    </section>
  );
}

/** A setting chosen among a few named modes, each explained beside its radio button. */
function Choices<M extends string>(p: {
  name: string;
  options: readonly M[];
  help: Record<M, string>;
  value: unknown;
  disabled: boolean;
  choose: (mode: M) => void;
}) {
  return p.options.map((mode) => (
    <label key={mode} className="inline">
      <input
        type="radio"
        name={p.name}
        disabled={p.disabled}
        checked={p.value === mode}
        onChange={() => p.choose(mode)}
      />{' '}
      {mode}: {p.help[mode]}
    </label>
  ));
}
