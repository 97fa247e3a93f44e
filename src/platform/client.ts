import type { ClientOptions } from '../core/types'
import { createTypedGraphQLClient, type TypedGraphQLClient } from '../transport/graphql-client'

/** Where the platform GraphQL endpoint lives, relative to `baseUrl`. */
export const PLATFORM_GRAPHQL_PATH = '/api/graphql'

/** A typed client for the platform API: `client.request(LoginDocument, { credentials })`. */
export function createPlatformClient(options: ClientOptions): TypedGraphQLClient {
  return createTypedGraphQLClient(PLATFORM_GRAPHQL_PATH, options)
}
