import type { ClientOptions } from '../core/types'
import { resultCheck, validateByDefault, type TypedClientOptions } from '../transport/contract'
import { createTypedGraphQLClient, type TypedGraphQLClient } from '../transport/graphql-client'
import { PLATFORM_ERROR_KINDS } from './errors'

/** Where the platform GraphQL endpoint lives, relative to `baseUrl`. */
export const PLATFORM_GRAPHQL_PATH = '/api/graphql'

/**
 * A typed client for the platform API: `client.request(LoginDocument, { credentials })`. Pass
 * an AuthClient (`createPlatformClient(auth)`) to send its bearer token through `auth.fetch`
 * (refresh and retry on UNAUTHENTICATED). Errors are AuthErrors, as from the adapter.
 * In development builds every result is checked against the contract (`validate`, see
 * `TypedClientOptions`).
 */
export function createPlatformClient(options: ClientOptions, { validate = validateByDefault() }: TypedClientOptions = {}): TypedGraphQLClient {
  return createTypedGraphQLClient(
    PLATFORM_GRAPHQL_PATH,
    options,
    { api: 'platform', kinds: PLATFORM_ERROR_KINDS },
    validate ? resultCheck('platform', () => import('../generated/platform/zod').then((m) => m.results)) : undefined,
  )
}
