// An engine in this process with its UI served and one Chromium page, for an e2e describe block
// whose test writes into the engine directly (a part that breaks, calls recorded at chosen times):
// started before its tests, stopped after them whatever happened.
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ApiServer } from '../../electron/headless/api-server.ts';
import { launchChromium, workbenchPage } from './browser.ts';
import { startBench, type TestBench } from './workbench.ts';

export interface EngineUi {
  b: TestBench;
  api: ApiServer;
  page: Page;
  /** The UI's address with its token, at `route` ("#/…"). */
  url(route: string): string;
}

export function engineUi(token = 'e2e-token'): EngineUi {
  const run = { url: (route: string) => `${run.api.url}/?token=${token}${route}` } as EngineUi;
  let browser: Browser | undefined;
  before(async () => {
    run.b = await startBench({ runtime: 'direct' });
    run.api = new ApiServer(run.b.wb, token, join(import.meta.dirname, '../../out/renderer'));
    await run.api.start('127.0.0.1', 0);
    browser = await launchChromium();
    run.page = await workbenchPage(browser);
  });
  after(async () => {
    await browser?.close();
    await run.api?.stop();
    await run.b?.stop();
  });
  return run;
}
