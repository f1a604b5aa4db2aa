/**
 * The window's Content-Security-Policy (browser mode sends it as a header, Electron's app:// handler
 * on every response, and renderer/index.html carries it as a <meta>, see below). Scripts and styles only from the app itself, no eval, no plugins, no
 * framing. React and the charts set styles through the CSSOM, which CSP does not restrict, so no
 * 'unsafe-inline' is needed (the e2e test fails on any CSP violation).
 * `connectTo` lists the extra origins the page may reach (browser mode: its own ws).
 */
export function contentSecurityPolicy(connectTo: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${connectTo.map((o) => ` ${o}`).join('')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * The same policy for renderer/index.html's <meta> tag, the one every load of the built UI gets
 * whatever serves it: it connects to nothing beyond its own origin ('self' also covers a same-host
 * ws://, which browser mode's IPC uses). frame-ancestors is left out: browsers ignore it in a meta
 * tag (the headers carry it). A test keeps index.html equal to this.
 */
export function metaContentSecurityPolicy(): string {
  return contentSecurityPolicy()
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ');
}
