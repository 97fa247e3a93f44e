import type { AdapterContext } from '../../../src/core/adapter'

export const baseUrl = 'http://adapter.test'

/** An unsigned JWT-shaped token with the given claims (adapters only read `exp`/`iat`/`sub`). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'ES256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`
}

/** A context as the core would pass it; `authorizedFetch` adds the given bearer token. */
export function context(bearer = 'access-token-1'): AdapterContext {
  return {
    baseUrl,
    fetch: (input, init) => fetch(input, init),
    authorizedFetch: (input, init) => {
      const headers = new Headers(init?.headers)
      headers.set('authorization', `Bearer ${bearer}`)
      return fetch(input, { ...init, headers })
    },
    now: () => Date.now(),
  }
}
