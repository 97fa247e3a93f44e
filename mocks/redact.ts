/**
 * What the mock may print about an unexpected exception. Nothing else in the mock writes to the
 * console: request bodies, passwords, codes and tokens are never printed, and an error's stack is
 * passed through `redact` first in case a message quoted one.
 */

/** Strips what could be a token (a JWT, a long base64url/hex string) from text about to be printed. */
export function redact(text: string): string {
  return text
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[jwt]')
    .replace(/\b[A-Za-z0-9_-]{32,}\b/g, '[redacted]')
}

/** The redacted stack (or name and message) of anything thrown. */
export function describeError(caught: unknown): string {
  const detail = caught instanceof Error ? (caught.stack ?? `${caught.name}: ${caught.message}`) : typeof caught
  return redact(detail)
}

/** Where an unexpected exception happened, for the report line. */
export interface ErrorSite {
  method: string
  path: string
  surface: string
}

/** The default `onError`: one redacted report on stderr. */
export function printError(caught: unknown, site: ErrorSite): void {
  console.error(`[portcullis-mock] internal error in ${site.surface} ${site.method} ${site.path}\n${describeError(caught)}`)
}

/**
 * Hands an exception a surface caught (and answered itself) to the backend's `onError`; a surface
 * driven without a backend prints it the default way.
 */
export function reportError(context: { request: Request; url: URL; reportError?: (error: unknown) => void }, caught: unknown, surface: string): void {
  if (context.reportError) context.reportError(caught)
  else printError(caught, { method: context.request.method, path: context.url.pathname, surface })
}
