import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core'
import { ClientError, GraphQLClient } from 'graphql-request'
import { networkError } from '../core/errors'
import type { ClientOptions, FetchLike } from '../core/types'
import type { ResultCheck } from './contract'
import { graphqlError, type GraphQLErrorKinds, type WireGraphQLError } from './graphql-errors'

/** Variables are optional in the call when the operation declares none that are required. */
type VariablesArgs<TVariables> =
  Record<string, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables]

/** A GraphQL client whose `request` is typed by the generated document it is given. */
export interface TypedGraphQLClient {
  /** Sends the document with its variables; resolves with its typed `data`, throws an `AuthError` for GraphQL errors. */
  request<TResult, TVariables>(
    document: DocumentTypeDecoration<TResult, TVariables>,
    ...variables: VariablesArgs<TVariables>
  ): Promise<TResult>
  /** The underlying graphql-request client, for batching or headers. */
  readonly raw: RawGraphQLClient
}

/**
 * The part of graphql-request's GraphQLClient that `raw` offers, declared here: graphql-request is
 * bundled into this package, and its ESM-only declarations would break CommonJS consumers' types
 * (TS1479 under `node16`). Documents are strings (print yours, or use a generated document).
 */
export interface RawGraphQLClient {
  request<T = unknown>(document: string, variables?: Record<string, unknown>, requestHeaders?: HeadersInit): Promise<T>
  rawRequest<T = unknown>(
    query: string,
    variables?: Record<string, unknown>,
    requestHeaders?: HeadersInit,
  ): Promise<{ data: T; extensions?: unknown; headers: Headers; status: number }>
  batchRequests<T extends unknown[] = unknown[]>(documents: { document: string; variables?: Record<string, unknown> }[], requestHeaders?: HeadersInit): Promise<T>
  setHeader(key: string, value: string): RawGraphQLClient
  setHeaders(headers: HeadersInit): RawGraphQLClient
  setEndpoint(value: string): RawGraphQLClient
}

/** How a surface's GraphQL errors read: its name (for messages) and its deliberate codes. */
export interface GraphQLErrorOptions {
  api: string
  kinds: GraphQLErrorKinds
}

const GENERIC: GraphQLErrorOptions = { api: 'GraphQL', kinds: { UNAUTHENTICATED: 'auth' } }

/**
 * `path` is appended to `baseUrl` (a path prefix in `baseUrl` is kept, as the adapters and the
 * REST clients do).
 */
export function createTypedGraphQLClient(
  path: string,
  options: ClientOptions,
  errors: GraphQLErrorOptions = GENERIC,
  /** The contract check of every result, when the client checks (see `TypedClientOptions`). */
  check?: ResultCheck,
): TypedGraphQLClient {
  const url = options.baseUrl.replace(/\/+$/, '') + path
  // Resolved per call (not captured once) so fetch interceptors installed later still apply.
  const fetchImpl: FetchLike = (input, init) => (options.fetch ?? globalThis.fetch)(input, init)
  const raw: RawGraphQLClient = new GraphQLClient(url, {
    fetch: fetchImpl as typeof globalThis.fetch,
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  })
  return {
    raw,
    async request(document, ...args) {
      const query = String(document)
      let data
      try {
        data = await raw.request<never>(query, args[0] as Record<string, unknown> | undefined)
      } catch (error) {
        throw toAuthError(error, errors)
      }
      if (check) await check(/\b(?:query|mutation|subscription)\s+(\w+)/.exec(query)?.[1] ?? '', data)
      return data
    },
  }
}

/**
 * graphql-request's ClientError puts the whole request (variables: passwords, tokens) into its
 * message, so it is never passed on: the first GraphQL error is read as the adapters read it
 * (only deliberate codes keep their message). Anything else is a network error.
 */
export function toAuthError(error: unknown, errors: GraphQLErrorOptions = GENERIC): unknown {
  if (error instanceof ClientError) {
    const first = (error.response.errors as WireGraphQLError[] | undefined)?.[0]
    return graphqlError(first, error.response.status, error.response.headers, errors.kinds, errors.api)
  }
  return networkError(error)
}
