import createClient, { type Client } from 'openapi-fetch'
import type { ClientOptions } from '../core/types'

/** An openapi-fetch client typed by a generated `paths` interface. */
export function createRestClient<Paths extends {}>(options: ClientOptions): Client<Paths, `${string}/${string}`> {
  return createClient<Paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    // Resolved per call so fetch interceptors installed after creation still apply.
    fetch: (request: Request) => (options.fetch ?? globalThis.fetch)(request),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  })
}
