// Window hardening: sandboxed, isolated, no Node in the renderer, a strict CSP on every response,
// no navigation away from the app, no new windows; http(s) links open in the system browser.
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The parts of a Session and a WebContents the hardening touches. */
export type SessionLike = Pick<Session, 'setPermissionRequestHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};
export type WebContentsLike = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

export function secureWebPreferences(preload: string): BrowserWindowConstructorOptions['webPreferences'] {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    spellcheck: false,
  };
}

export function applyCsp(session: SessionLike): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
}

export function lockNavigation(contents: WebContentsLike, appUrl: string, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== appUrl && !url.startsWith(appUrl.split('#')[0]!)) {
      event.preventDefault();
      if (/^https?:\/\//.test(url)) openExternal(url);
    }
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
