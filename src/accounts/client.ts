import type { ClientOptions } from '../core/types'
import { resultCheck, validateByDefault, type TypedClientOptions } from '../transport/contract'
import { createTypedGraphQLClient, type GraphQLErrorOptions, type TypedGraphQLClient } from '../transport/graphql-client'

/** Classic-argument endpoint (`tokenAuth(email:, password:)`). */
export const ACCOUNTS_GRAPHQL_PATH = '/graphql'
/** Relay endpoint (`tokenAuth(input: {...})`, with `clientMutationId`). */
export const ACCOUNTS_RELAY_GRAPHQL_PATH = '/graphql/relay'

/**
 * Top-level errors the mock marks with a code: a JWT that could not authenticate the call. (The
 * accounts API reports everything else in each mutation's `errors` output, which is data.)
 */
const ERRORS: GraphQLErrorOptions = { api: 'accounts', kinds: { TOKEN_EXPIRED: 'auth', TOKEN_INVALID: 'auth' } }

/**
 * A typed client for the accounts API in its classic form. Given an AuthClient with
 * `accountsApi()` (`createAccountsClient(auth)`) it runs on `auth.fetch`: `Authorization: JWT …`,
 * one refresh and retry when the token has expired. In development builds every result is
 * checked against the contract (`validate`, see `TypedClientOptions`).
 */
export function createAccountsClient(options: ClientOptions, { validate = validateByDefault() }: TypedClientOptions = {}): TypedGraphQLClient {
  return createTypedGraphQLClient(ACCOUNTS_GRAPHQL_PATH, options, ERRORS, validate ? classicCheck() : undefined)
}

/** The same for the relay (`input:`) form; use the `relay.*` documents (with `accountsApi({ relay: true })`). */
export function createAccountsRelayClient(options: ClientOptions, { validate = validateByDefault() }: TypedClientOptions = {}): TypedGraphQLClient {
  return createTypedGraphQLClient(ACCOUNTS_RELAY_GRAPHQL_PATH, options, ERRORS, validate ? relayCheck() : undefined)
}

/** The classic form's check. */
const classicCheck = () => resultCheck('accounts', () => import('../generated/accounts/zod').then((m) => m.results))

/**
 * The relay form's check. Its generated operations are its mutations; queries (`me`, `user`,
 * `users`) are the classic documents, checked with the classic schemas: both schemas declare the
 * same `Query` type (test/unit/schema/graphql-schemas.test.ts holds them to it).
 */
const relayCheck = () =>
  resultCheck('accounts', () =>
    Promise.all([import('../generated/accounts/zod'), import('../generated/accounts-relay/zod')]).then(([classic, relay]) => ({ ...classic.results, ...relay.results })),
  )
