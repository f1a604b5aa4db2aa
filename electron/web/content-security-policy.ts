/**
 * The window's Content-Security-Policy (browser mode sends it as a header; Electron sets it on every
 * response of the session). Scripts and styles only from the app itself, no eval, no plugins, no
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
