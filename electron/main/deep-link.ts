// trajscope:// deep links: what "Copy link" gives in the desktop app (trajscope://open/#/session/…).
// The OS hands them to the running app (a second launch with the link as an argument on Linux and
// Windows, an open-url event on macOS); only the view's address is taken from them, checked here,
// and the window goes there. Nothing else in a link is acted on.
export const SCHEME = 'trajscope';
const PREFIX = `${SCHEME}://open/`;
/** A view address: `#/` then path segments of URL-safe characters (what formatRoute writes). */
const VIEW = /^#\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;
const MAX_LINK = 4096;

/** The view a deep link opens (`#/…`), or null for anything that is not one of ours. */
export function viewOfLink(link: string): string | null {
  if (typeof link !== 'string' || link.length > MAX_LINK || !link.startsWith(PREFIX)) return null;
  const view = link.slice(PREFIX.length);
  return VIEW.test(view) ? view : null;
}

/** The first deep link among a process's arguments (how Linux and Windows pass one). */
export function linkInArgs(args: readonly string[]): string | null {
  return args.find((a) => a.startsWith(`${SCHEME}://`)) ?? null;
}
