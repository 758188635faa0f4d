// `trajscope serve`: the engine and its UI (on loopback unless exposed), until SIGINT/SIGTERM stop everything.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigService } from '../../core/config/service.ts';
import { mintToken } from '../../core/tokens.ts';
import { shownAddress } from '../../core/dataproxy/areal-router.ts';
import { exposureLines, isLoopback } from '../../core/http/exposure.ts';
import { Workbench } from '../../core/workbench.ts';
import { ApiServer } from '../api-server.ts';
import { ensureUiBuilt } from '../ui-build.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export async function serve(config: ConfigService): Promise<void> {
  // everything this process and its gateways create is the user's alone, whatever the shell's umask
  process.umask(0o077);
  const c = config.current;
  if (!c.noUi) await ensureUiBuilt(ROOT, (line) => process.stderr.write(line + '\n'));
  const wb = new Workbench(config, { startedBy: 'trajscope serve' });
  let api: ApiServer | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await api?.stop();
    await wb.stop(); // lets the data dir's lock go and removes its runtime.json
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    await wb.start();
    if (wb.openclaw?.problem) process.stderr.write(`trajscope: ${wb.openclaw.problem}; sessions use DirectRuntime.\n`);
    const registered = wb.arealRegistration?.address;
    if (registered)
      process.stderr.write(
        `trajscope: registered with the AReaL Router at ${c.arealRouter} as ${shownAddress(registered)}\n`,
      );
    if (!c.noUi) {
      api = new ApiServer(wb, c.uiToken ?? mintToken(), join(ROOT, 'out/renderer'));
      await api.start(c.host, c.port);
    }
  } catch (err) {
    await api?.stop();
    await wb.stop();
    throw err;
  }
  const ready = {
    ui: api ? `${api.url}/?token=${api.token}` : null,
    api: api?.url ?? null,
    proxy: wb.proxyUrl,
    upstream: wb.recorder.url,
    adminKey: wb.adminKey,
    dataDir: c.dataDir,
  };
  // runtime.json: what other local tools need, never the UI token (docs/security.md)
  wb.store.lock?.publish({ ui: api ? `${api.url}/` : null, api: ready.api });
  // said before READY: whoever waits for that line has the warning already
  if (!isLoopback(c.host))
    for (const line of exposureLines({
      ...c,
      api: ready.api,
      proxy: ready.proxy,
      upstream: ready.upstream,
      advertised: wb.arealRegistration?.address ?? null,
    }))
      process.stderr.write(line + '\n');
  process.stdout.write(`TRAJSCOPE_READY ${JSON.stringify(ready)}\n`);
  if (ready.ui) process.stderr.write(`trajscope: workbench UI at ${ready.ui} — Ctrl+C stops everything\n`);
}
