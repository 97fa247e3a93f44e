/**
 * Who may drive the control API: the developer on this machine. It hands out codes, link tokens
 * and TOTP secrets and can reset or rewrite the backend, so:
 * - a browser request from another site is refused (`403 forbidden_origin`): only loopback
 *   origins (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`, any port), the page's own origin
 *   (the browser worker) and origins added with `--cors-origin` / `corsOrigins` may call it;
 *   `Origin: null` (sandboxed frames, `file:` pages) is refused;
 * - a body must be JSON (`415 unsupported_media_type`), so a cross-site "simple" request
 *   (`text/plain`, form encodings) cannot carry a command without a CORS preflight;
 * - the standalone server also checks `Host` (DNS rebinding) and grants CORS to the same origins.
 */
import { error } from './json'
import { isJsonMediaType, mediaTypeOf } from '../validation/body'

/** Whether a hostname (as in a URL or `Host`, brackets allowed) names this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '')
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host)
}

/** Whether a browser `Origin` may call the mock: loopback, the request's own origin, or listed in `extra`. */
export function isAllowedOrigin(origin: string, requestUrl: URL, extra: readonly string[] = []): boolean {
  if (extra.includes(origin)) return true
  let parsed: URL
  try {
    parsed = new URL(origin)
  } catch {
    return false // `null` and garbage
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false
  return isLoopbackHost(parsed.hostname) || parsed.origin === requestUrl.origin
}

/** The refusal for a control request from a foreign origin or with a non-JSON body; undefined to go on. */
export function guardControlRequest(request: Request, url: URL, corsOrigins: readonly string[] = []): Response | undefined {
  const origin = request.headers.get('origin')
  if (origin !== null && !isAllowedOrigin(origin, url, corsOrigins)) {
    return error(403, 'forbidden_origin', 'The control API only answers pages on this machine (loopback origins, or those added with --cors-origin).')
  }
  const type = request.headers.get('content-type')
  if (type !== null && !isJsonMediaType(mediaTypeOf(type))) {
    return error(415, 'unsupported_media_type', 'Control requests with a body must be sent as content-type application/json.')
  }
  return undefined
}
