import type { ClientOptions } from '../core/types'
import { createTypedGraphQLClient, type TypedGraphQLClient } from '../transport/graphql-client'

/** Classic-argument endpoint (`tokenAuth(email:, password:)`). */
export const ACCOUNTS_GRAPHQL_PATH = '/graphql'
/** Relay endpoint (`tokenAuth(input: {...})`, with `clientMutationId`). */
export const ACCOUNTS_RELAY_GRAPHQL_PATH = '/graphql/relay'

/** A typed client for the accounts API in its classic form. */
export function createAccountsClient(options: ClientOptions): TypedGraphQLClient {
  return createTypedGraphQLClient(ACCOUNTS_GRAPHQL_PATH, options)
}

/** A typed client for the accounts API in its relay (`input:`) form; use the `relay.*` documents. */
export function createAccountsRelayClient(options: ClientOptions): TypedGraphQLClient {
  return createTypedGraphQLClient(ACCOUNTS_RELAY_GRAPHQL_PATH, options)
}
