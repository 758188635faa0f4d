// "Copy link" for a view: a URL that opens it. In a browser it is this page's address with the
// view's hash (the page's cookie lets it open in any tab while the engine runs); in the desktop
// app, a trajscope:// deep link the app opens. The link is also shown, in case the clipboard is
// not available (a page that is not focused, a browser that refuses).
import { EMPTY_ROUTE, formatRoute, type Route } from '../store/route.ts';
import { useStoreApi } from '../store/use-store.ts';

export function linkTo(
  route: Partial<Route>,
  win: Pick<Window, 'location'> & { trajscope?: unknown } = window,
): string {
  const hash = formatRoute({ ...EMPTY_ROUTE, ...route });
  if (win.trajscope) return `trajscope://open/${hash}`;
  return `${win.location.origin}${win.location.pathname}${hash}`;
}

export function CopyLink({ to, what }: { to: Partial<Route>; what: string }) {
  const store = useStoreApi();
  const copy = (e: React.MouseEvent) => {
    e.stopPropagation(); // inside a row that opens something when clicked
    const url = linkTo(to);
    const say = (ok: boolean) =>
      store.getState().setNotice(ok ? `Link to ${what} copied: ${url}` : `Link to ${what}: ${url}`, 'info');
    if (!navigator.clipboard) return say(false);
    navigator.clipboard.writeText(url).then(
      () => say(true),
      () => say(false),
    );
  };
  return (
    <button
      type="button"
      className="link small"
      data-testid="copy-link"
      title={`Copy a link to ${what}`}
      onClick={copy}
    >
      Copy link
    </button>
  );
}
