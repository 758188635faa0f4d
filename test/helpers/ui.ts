// One headless host and one Chromium page for an e2e describe block: started before its tests,
// stopped (and the data dir removed) after them, whatever happened.
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, shot, workbenchPage } from './browser.ts';
import { startHost, type Host } from './host.ts';
import { request, tempDir } from './workbench.ts';

export interface UiRun {
  dir: { path: string; remove: () => void };
  browser: Browser;
  /** Replaceable: a test may stop it and start another on the same data dir. */
  host: Host;
  page: Page;
  shot(name: string): Promise<Buffer>;
  /** A workbench API call with the run's UI token. */
  api(channel: string, body: unknown): Promise<{ status: number; body: any }>;
}

export function uiRun(hostArgs: string[]): UiRun {
  const run = { dir: tempDir() } as UiRun;
  run.shot = (name) => shot(run.page, name);
  run.api = (channel, body) =>
    request(`${run.host.ready.api}/api/invoke/${channel}`, 'POST', body, {
      authorization: `Bearer ${new URL(run.host.ready.ui).searchParams.get('token')}`,
    });
  before(async () => {
    run.host = await startHost(run.dir.path, hostArgs);
    run.browser = await launchChromium();
    run.page = await workbenchPage(run.browser);
  });
  after(async () => {
    await run.browser?.close();
    await run.host?.stop();
    run.dir.remove();
  });
  return run;
}
