import type { ControlRoute } from '../types'
import { consolePage } from './page'

/** A fresh nonce per page: the CSP then runs only the page's own inline script and style. */
function nonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return btoa(String.fromCharCode(...bytes))
}

/**
 * The page's policy: its own nonce'd script and style, calls to its own origin only, no frames
 * of it elsewhere (clickjacking), no plug-ins, forms or base-URL tricks. Escaping is the page's
 * first defence (it never parses data as HTML); this is the second.
 */
const csp = (value: string) =>
  [
    "default-src 'none'",
    `script-src 'nonce-${value}'`,
    `style-src 'nonce-${value}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')

/** `GET /__mock/` (or `/__mock`): the console page. The trailing slash is optional, as for every control path. */
export const consoleRoute: ControlRoute = {
  path: '/__mock',
  methods: {
    GET: () => {
      const value = nonce()
      return new Response(consolePage(value), {
        status: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy': csp(value),
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
          'referrer-policy': 'no-referrer',
        },
      })
    },
  },
}
