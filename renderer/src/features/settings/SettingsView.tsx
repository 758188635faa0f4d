// Settings: labeling scale, labeler name, theme, OpenClaw isolation and config overlay (applied to
// gateways started from now on), and what this run was started with.
import { useEffect, useState } from 'react';
import type { InvokeRequest } from '../../../../shared/api.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';

export function SettingsView() {
  const store = useStoreApi();
  const settings = useStore((s) => s.settings);
  const info = useStore((s) => s.info);
  const [scale, setScale] = useState('');
  const [labeler, setLabeler] = useState('');
  const [overlay, setOverlay] = useState('');
  const [config, setConfig] = useState<string | null>(null);
  const selected = useStore((s) => s.route.sessionKey);

  useEffect(() => {
    if (!settings) return;
    setScale(settings.rewardScale.join(', '));
    setLabeler(settings.labeler);
    setOverlay(JSON.stringify(settings.openclawOverlay, null, 2));
  }, [settings]);
  useEffect(() => {
    if (!selected) return;
    void store.getState().api.invoke('gateways:config', { sessionKey: selected }).then((r) => setConfig(r.config ? JSON.stringify(r.config, null, 2) : null)).catch(() => setConfig(null));
  }, [selected, store]);

  if (!settings || !info) return <div className="empty">Loading settings…</div>;
  const save = async (patch: InvokeRequest<'settings:set'>) => {
    try {
      const next = await store.getState().api.invoke('settings:set', patch);
      store.setState({ settings: next });
      store.getState().setNotice('Settings saved.');
    } catch (e) {
      store.getState().setNotice((e as Error).message, 'error');
    }
  };
  return (
    <div className="settings">
      <h2>Settings</h2>
      <section>
        <h3>Labeling</h3>
        <label>Reward scale (keys 1–9, 0) <input aria-label="Reward scale" value={scale} onChange={(e) => setScale(e.target.value)} /></label>
        <label>Labeler <input aria-label="Labeler" value={labeler} onChange={(e) => setLabeler(e.target.value)} /></label>
        <button type="button" onClick={() => {
          const values = scale.split(',').map((x) => Number(x.trim()));
          if (values.some((v) => !Number.isFinite(v))) return store.getState().setNotice('The scale must be numbers separated by commas.', 'error');
          void save({ rewardScale: values, labeler });
        }}>Save labeling</button>
      </section>
      <section>
        <h3>Theme</h3>
        {(['system', 'dark', 'light'] as const).map((t) => (
          <label key={t} className="inline"><input type="radio" name="theme" checked={settings.theme === t} onChange={() => void save({ theme: t })} /> {t}</label>
        ))}
      </section>
      <section>
        <h3>OpenClaw</h3>
        <p className="muted small">{info.openclaw.available ? `openclaw ${info.openclaw.version}` : info.openclaw.problem}</p>
        <label className="inline"><input type="radio" name="iso" checked={settings.isolation === 'rebind'} onChange={() => void save({ isolation: 'rebind' })} /> rebind: one gateway per session, re-keyed per episode (fast)</label>
        <label className="inline"><input type="radio" name="iso" checked={settings.isolation === 'fresh'} onChange={() => void save({ isolation: 'fresh' })} /> fresh: a new gateway per episode (nothing carries over)</label>
        <label>Config overlay (JSON merged over the safe config; port, token and provider always win)
          <textarea aria-label="Config overlay" rows={6} value={overlay} onChange={(e) => setOverlay(e.target.value)} />
        </label>
        <button type="button" onClick={() => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(overlay || '{}');
          } catch (e) {
            return store.getState().setNotice(`Overlay is not JSON: ${(e as Error).message}`, 'error');
          }
          void save({ openclawOverlay: parsed as Record<string, unknown> });
        }}>Save overlay</button>
        {config && <details><summary>Effective config of {selected}'s gateway</summary><pre className="json">{config}</pre></details>}
      </section>
      <section>
        <h3>This run</h3>
        <dl className="facts">
          <dt>Data dir</dt><dd>{info.dataDir} <span className="muted small">(--data-dir)</span></dd>
          <dt>Upstream</dt><dd>{info.upstream.kind === 'scripted' ? `embedded scripted model (${info.upstream.model})` : `${info.upstream.url} · ${info.upstream.model}`} <span className="muted small">(--upstream-url/--upstream-key/--upstream-model)</span></dd>
          <dt>DataProxy</dt><dd>{info.proxyUrl}</dd>
          <dt>Recorder</dt><dd>{info.upstreamUrl}</dd>
          <dt>Version</dt><dd>{info.version}</dd>
        </dl>
      </section>
    </div>
  );
}
