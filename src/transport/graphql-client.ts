import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core'
import { ClientError, GraphQLClient } from 'graphql-request'
import { AuthError, kindForStatus } from '../core/errors'
import type { ClientOptions, FetchLike } from '../core/types'

/** Variables are optional in the call when the operation declares none that are required. */
type VariablesArgs<TVariables> =
  Record<string, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables]

/** A GraphQL client whose `request` is typed by the generated document it is given. */
export interface TypedGraphQLClient {
  request<TResult, TVariables>(
    document: DocumentTypeDecoration<TResult, TVariables>,
    ...variables: VariablesArgs<TVariables>
  ): Promise<TResult>
  /** The underlying graphql-request client, for batching or custom middleware. */
  readonly raw: GraphQLClient
}

/** One GraphQL error as the backend sends it. */
interface WireGraphQLError {
  message?: unknown
  extensions?: { code?: unknown } | undefined
}

export function createTypedGraphQLClient(path: string, options: ClientOptions): TypedGraphQLClient {
  const url = new URL(path, options.baseUrl).toString()
  // Resolved per call (not captured once) so fetch interceptors installed later still apply.
  const fetchImpl: FetchLike = (input, init) => (options.fetch ?? globalThis.fetch)(input, init)
  const raw = new GraphQLClient(url, {
    fetch: fetchImpl as typeof globalThis.fetch,
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  })
  return {
    raw,
    async request(document, ...args) {
      try {
        return await raw.request(String(document), args[0] as Record<string, unknown> | undefined)
      } catch (error) {
        throw toAuthError(error)
      }
    },
  }
}

/**
 * graphql-request's ClientError puts the whole request (variables: passwords, tokens) into its
 * message, so it is never passed on: only the server's own error messages and codes are kept.
 */
export function toAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error
  if (error instanceof ClientError) {
    const status = error.response.status
    const errors = (error.response.errors ?? []) as WireGraphQLError[]
    const first = errors[0]
    const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : status >= 400 ? `http_${status}` : 'graphql_error'
    const message = typeof first?.message === 'string' ? first.message : `The GraphQL request failed with status ${status}.`
    const kind = status >= 400 ? kindForStatus(status) : code === 'UNAUTHENTICATED' ? 'auth' : 'validation'
    return new AuthError(message, { code, kind, status })
  }
  return new AuthError('The backend could not be reached.', { code: 'network_error', kind: 'network', cause: error })
}
