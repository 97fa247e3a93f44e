import createClient, { type Client } from 'openapi-fetch'
import type { ClientOptions } from '../core/types'
import type { AnswerCheck } from './contract'

/**
 * An openapi-fetch client typed by a generated `paths` interface. With `check` (the client
 * checks answers, see `TypedClientOptions`) one that breaks the contract rejects the call with an
 * AuthError of kind `contract`.
 */
export function createRestClient<Paths extends {}>(options: ClientOptions, check?: AnswerCheck): Client<Paths, `${string}/${string}`> {
  const client = createClient<Paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    // Resolved per call so fetch interceptors installed after creation still apply.
    fetch: (request: Request) => (options.fetch ?? globalThis.fetch)(request),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  })
  if (check) {
    client.use({
      async onResponse({ request, response, schemaPath }) {
        // A followed redirect (the OIDC routes' 303) answers for another URL.
        if (response.redirected) return undefined
        await check(`${request.method} ${schemaPath}`, response.status, response.status === 204 ? null : await response.clone().text())
        return undefined
      },
    })
  }
  return client
}
