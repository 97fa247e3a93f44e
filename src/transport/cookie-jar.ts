/**
 * A cookie-keeping fetch for runtimes without a browser cookie store (Node, Deno, Bun): the
 * experience API keeps its interaction behind cookies, which plain server-side fetch drops.
 * Parsing, matching (domain, path, expiry, Secure) and serialization are tough-cookie's; this
 * file only moves cookies between the jar and each request/response. Never imported by the
 * browser entries (tough-cookie and its public-suffix list stay out of browser bundles).
 */
import { CookieJar } from 'tough-cookie'
import type { FetchLike } from '../core/types'

export interface CookieFetch {
  fetch: FetchLike
  /** The jar as a JSON string, to continue the same interaction later (e.g. a resumed challenge). */
  save(): string
}

/** A fetch that sends the jar's cookies and stores every `Set-Cookie` it gets, redirects included (they are not followed here). */
export function createCookieFetch(fetchFn: FetchLike, saved?: string | null): CookieFetch {
  let jar: CookieJar
  try {
    jar = saved ? CookieJar.deserializeSync(saved) : new CookieJar()
  } catch {
    jar = new CookieJar()
  }
  return {
    async fetch(input, init) {
      // The adapter calls with a URL and an init; a Request keeps its own headers.
      const url = input instanceof Request ? input.url : String(input)
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
      const cookie = await jar.getCookieString(url)
      if (cookie) headers.set('cookie', cookie)
      const response = await fetchFn(input instanceof Request ? new Request(input, { headers }) : url, { ...init, headers })
      for (const setCookie of response.headers.getSetCookie()) await jar.setCookie(setCookie, url, { ignoreError: true })
      return response
    },
    save: () => JSON.stringify(jar.serializeSync()),
  }
}
