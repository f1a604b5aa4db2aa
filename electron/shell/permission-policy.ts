/**
 * Which web permissions the window may use. The UI needs none: no camera, microphone, location,
 * notifications, clipboard reads, devices, external protocol launches or fullscreen requests. Every
 * permission *check* and *request* is answered with this, so a page that somehow runs script (or a
 * future dependency) cannot ask for anything; links open outside through the navigation policy.
 */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set();

export function isPermissionAllowed(permission: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission);
}
