// Settings → Connections: the model server new episodes talk to (URL, key, model, with "Test
// connection"), the OpenClaw binary new gateways run, and the tokenizer the token checks use. A
// value fixed by a flag, an env var or the --config file is shown with its source and cannot be
// changed here.
import { useState } from 'react';
import type { AppInfo, UpstreamProbe } from '../../../../shared/api.ts';
import { envName, flagName, type ConfigKey, type ConfigPatch, type ConfigView } from '../../../../shared/config.ts';
import { DraftConflict } from '../../forms/DraftConflict.tsx';
import { useDraft } from '../../forms/use-draft.ts';
import { useStoreApi } from '../../store/use-store.ts';
import { probeUpstream } from './actions.ts';
import { ConnectionTokenizers } from './ConnectionTokenizers.tsx';

interface Props {
  config: ConfigView;
  info: AppInfo;
  saveConfig(patch: ConfigPatch, done: string): Promise<boolean>;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function Connections({ config, info, saveConfig }: Props) {
  const store = useStoreApi();
  // what the user typed survives a reload of the saved config (a reconnect, another window's save)
  const urlDraft = useDraft(str(config.values.upstreamUrl));
  const modelDraft = useDraft(str(config.values.upstreamModel));
  const binDraft = useDraft(str(config.values.openclawBin));
  const tokenizerDraft = useDraft(str(config.values.tokenizer));
  const keyDraft = useDraft(''); // the saved key never reaches the page: the field holds only a new one
  const [url, key, model, bin] = [urlDraft.value, keyDraft.value, modelDraft.value, binDraft.value];
  const [probe, setProbe] = useState<UpstreamProbe | null>(null);
  const [testing, setTesting] = useState(false);

  const pinnedBy = (k: ConfigKey): string | null => {
    if (!config.pinned.includes(k)) return null;
    const src = config.sources[k];
    return src === 'flag' ? flagName(k) : src === 'env' ? envName(k) : 'the --config file';
  };
  const keyHint = str(config.values.upstreamKey);
  const test = async () => {
    setTesting(true);
    setProbe(
      await probeUpstream(store, {
        ...(url ? { upstreamUrl: url } : {}),
        ...(key ? { upstreamKey: key } : {}),
        ...(model ? { upstreamModel: model } : {}),
      }),
    );
    setTesting(false);
  };
  const save = () => {
    const patch: ConfigPatch = {
      upstreamUrl: url.trim() || null,
      upstreamModel: model.trim() || null,
      ...(key ? { upstreamKey: key } : {}),
    };
    for (const k of Object.keys(patch) as Array<keyof ConfigPatch>) if (pinnedBy(k)) delete patch[k];
    void saveConfig(patch, 'Connection saved: new episodes use it; running episodes keep theirs.').then(
      (ok) => ok && keyDraft.set(''),
    );
  };
  const Pinned = ({ k }: { k: ConfigKey }) => {
    const by = pinnedBy(k);
    return by ? <span className="muted small"> — set by {by}; Settings cannot override it</span> : null;
  };
  return (
    <section aria-label="Connections">
      <h3>Connections</h3>
      <p className="muted small">
        New episodes talk to {info.upstream.kind === 'scripted' ? 'the scripted model' : info.upstream.url} (model{' '}
        {info.upstream.model}). Changes apply to new episodes without a restart; a running episode keeps its binding.
      </p>
      <label>
        Model server URL (OpenAI-compatible, usually ending in /v1; empty = the embedded scripted model)
        <Pinned k="upstreamUrl" />
        <input
          aria-label="Upstream URL"
          placeholder="http://127.0.0.1:8000/v1"
          value={url}
          disabled={!!pinnedBy('upstreamUrl')}
          onChange={(e) => urlDraft.set(e.target.value)}
        />
        <DraftConflict draft={urlDraft} />
      </label>
      <label>
        API key{' '}
        <span className="muted small">
          {keyHint ? `(saved key ${keyHint}; leave empty to keep it)` : '(none saved)'}
        </span>
        <Pinned k="upstreamKey" />
        <input
          aria-label="Upstream key"
          type="password"
          autoComplete="off"
          value={key}
          disabled={!!pinnedBy('upstreamKey')}
          onChange={(e) => keyDraft.set(e.target.value)}
        />
      </label>
      <label>
        Model
        <Pinned k="upstreamModel" />
        <input
          aria-label="Upstream model"
          list="upstream-models"
          value={model}
          disabled={!!pinnedBy('upstreamModel')}
          onChange={(e) => modelDraft.set(e.target.value)}
        />
        <DraftConflict draft={modelDraft} />
        <datalist id="upstream-models">
          {probe?.models.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
      </label>
      <div className="row">
        <button type="button" disabled={testing} onClick={() => void test()}>
          {testing ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" onClick={save}>
          Save connection
        </button>
        {keyHint && !pinnedBy('upstreamKey') && (
          <button
            type="button"
            className="ghost"
            onClick={() => void saveConfig({ upstreamKey: null }, 'Saved key removed.')}
          >
            Forget the saved key
          </button>
        )}
      </div>
      {probe && (
        <p className={probe.ok ? 'ok-text' : 'error-text'} data-testid="probe-result" role="status">
          {probe.ok ? '✓ ' : '✗ '}
          {probe.message}
        </p>
      )}
      <label>
        OpenClaw binary (openclaw.mjs or an openclaw executable; empty = the pinned install)
        <Pinned k="openclawBin" />
        <input
          aria-label="OpenClaw binary"
          value={bin}
          disabled={!!pinnedBy('openclawBin')}
          onChange={(e) => binDraft.set(e.target.value)}
        />
        <DraftConflict draft={binDraft} />
      </label>
      <div className="row">
        <button
          type="button"
          disabled={!!pinnedBy('openclawBin')}
          onClick={() =>
            void saveConfig({ openclawBin: bin.trim() || null }, 'OpenClaw binary saved: new gateways run it.')
          }
        >
          Save binary
        </button>
        <span className="muted small" data-testid="openclaw-status">
          {info.openclaw.available
            ? `openclaw ${info.openclaw.version} at ${info.openclaw.path}`
            : (info.openclaw.problem ?? 'OpenClaw is not available')}
          {info.openclaw.poolError ? ` · warm pool: ${info.openclaw.poolError}` : ''}
        </span>
      </div>
      <label>
        Tokenizer and chat template of the model server (a Hugging Face model dir or a tokenizer.json, absolute path;
        empty = Qwen3&apos;s, bundled): the token checks and the token view decode with it
        <Pinned k="tokenizer" />
        <input
          aria-label="Tokenizer"
          placeholder="/models/Qwen3-8B"
          value={tokenizerDraft.value}
          disabled={!!pinnedBy('tokenizer')}
          onChange={(e) => tokenizerDraft.set(e.target.value)}
        />
        <DraftConflict draft={tokenizerDraft} />
      </label>
      <div className="row">
        <button
          type="button"
          disabled={!!pinnedBy('tokenizer')}
          onClick={() =>
            void saveConfig(
              { tokenizer: tokenizerDraft.value.trim() || null },
              'Tokenizer saved: calls answered from now on are checked with it.',
            )
          }
        >
          Save tokenizer
        </button>
      </div>
      <ConnectionTokenizers />
    </section>
  );
}
