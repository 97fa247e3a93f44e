/**
 * GraphQL-over-HTTP for the GraphQL surfaces (platform, accounts classic and relay). graphql-http's fetch handler does the HTTP part
 * (methods, content types, JSON body, Accept negotiation); this module parses, validates and
 * executes with graphql-js and shapes the answers:
 * - POST with `content-type: application/json`; GET for queries (a mutation over GET → 405);
 *   other methods → 405; other content types → 415; no acceptable media type → 406 (each with
 *   a JSON `errors` body: METHOD_NOT_ALLOWED / UNSUPPORTED_MEDIA_TYPE / NOT_ACCEPTABLE).
 * - A body that is not UTF-8, malformed JSON, a non-object body, a missing/non-string `query`,
 *   bad `variables` → 400 BAD_REQUEST.
 * - Request errors (syntax error, validation error such as an unknown field or an invalid
 *   EmailAddress literal, unknown operation name, variable coercion failure such as a wrong
 *   variable type or an invalid EmailAddress variable) → `errors` and no `data`, with 400 when the
 *   client accepts `application/graphql-response+json` and the spec's legacy 200 when it only
 *   accepts `application/json` (or sends no Accept).
 * - Executed operations → 200 with `data` (fields that failed are null and listed in `errors`).
 * - Limits: a body or URL over `GRAPHQL_MAX_BODY_BYTES` (1 MiB) → 413 PAYLOAD_TOO_LARGE without
 *   parsing it; a document over `GRAPHQL_MAX_TOKENS` (10 000 tokens) → a syntax error.
 * - Every error carries `extensions.code`: resolver errors their surface's code;
 *   request errors BAD_REQUEST / GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED /
 *   BAD_USER_INPUT; an unexpected resolver exception becomes `Internal server error.` /
 *   INTERNAL_SERVER_ERROR (the original goes, redacted, to the backend's `onError`, never to
 *   the client). A document nested too deeply for graphql-js's recursive parser is a syntax error.
 */
import { execute, getOperationAST, GraphQLError, type ExecutionResult, type GraphQLSchema } from 'graphql'
import { createHandler, type OperationArgs, type RequestParams } from 'graphql-http'
import { responseText, textResponse } from '../known-body'
import { reportError } from '../redact'
import { countRootFields } from '../validation/graphql-root-fields'
import { checkedDocument } from './graphql-documents'
import type { RequestContext } from '../state/types'
import { PLATFORM_ERROR_CODES, REQUEST_ERROR_CODES } from './platform/errors'

export const GRAPHQL_MAX_BODY_BYTES = 1024 * 1024
export const GRAPHQL_MAX_TOKENS = 10_000

/** The longest `retryAfterMs` among RATE_LIMITED errors, as a `Retry-After` header (whole seconds). */
function retryAfterHeader(errors: readonly GraphQLError[] | undefined): Record<string, string> {
  let longest = 0
  for (const error of errors ?? []) {
    const wait = error.extensions?.['retryAfterMs']
    if (error.extensions?.['code'] === 'RATE_LIMITED' && typeof wait === 'number') longest = Math.max(longest, wait)
  }
  return longest > 0 ? { 'retry-after': String(Math.max(1, Math.ceil(longest / 1000))) } : {}
}

const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json'

/** The media type graphql-http will answer with (same negotiation as graphql-http's handler). */
function acceptsGraphQLResponseJson(headers: Headers): boolean {
  const accepts = (headers.get('accept') || '*/*').replace(/\s/g, '').toLowerCase().split(',')
  for (const accept of accepts) {
    const [mediaType, ...params] = accept.split(';')
    const charset = params.find((param) => param.includes('charset=')) || 'charset=utf-8'
    if (mediaType === GRAPHQL_RESPONSE_JSON && charset === 'charset=utf-8') return true
    if (
      (mediaType === 'application/json' || mediaType === 'application/*' || mediaType === '*/*') &&
      (charset === 'charset=utf-8' || charset === 'charset=utf8')
    ) {
      return false
    }
  }
  return false
}

/** A transport-level failure as a GraphQL error list with a code (never reaching graphql-js). */
function transportError(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return textResponse(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  })
}

function tooLarge(): Response {
  return transportError(413, REQUEST_ERROR_CODES.PAYLOAD_TOO_LARGE, `The request is larger than ${GRAPHQL_MAX_BODY_BYTES} bytes.`)
}

const STATUS_CODES: Record<number, string> = {
  405: REQUEST_ERROR_CODES.METHOD_NOT_ALLOWED,
  406: REQUEST_ERROR_CODES.NOT_ACCEPTABLE,
  415: REQUEST_ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
}

const STATUS_MESSAGES: Record<number, string> = {
  405: 'Use POST (or GET for queries).',
  406: 'Accept application/graphql-response+json or application/json.',
  415: 'Send the request as content-type application/json.',
}

/**
 * graphql-http answers a wrong method, media type or Accept with an empty (or text/plain) body;
 * the mock answers every failure with a JSON `errors` list whose entries carry an
 * `extensions.code`, keeping the status and headers such as `allow`.
 */
async function withErrorBody(response: Response): Promise<Response> {
  if (response.status < 400 || response.headers.get('content-type')?.includes('json')) return response
  const text = await responseText(response)
  let message = STATUS_MESSAGES[response.status] ?? (response.statusText || 'Bad request.')
  try {
    const parsed = JSON.parse(text) as { errors?: Array<{ message?: unknown }> }
    if (typeof parsed.errors?.[0]?.message === 'string') message = parsed.errors[0].message
  } catch {
    // not JSON: keep the message chosen for the status
  }
  const headers: Record<string, string> = {}
  for (const [name, value] of response.headers) if (name !== 'content-type' && name !== 'content-length') headers[name] = value
  return transportError(response.status, STATUS_CODES[response.status] ?? REQUEST_ERROR_CODES.BAD_REQUEST, message, headers)
}

/**
 * The body as graphql-http takes it: a JSON object parsed here once (its `operationName` is what
 * the request log shows even when the request fails before execution), or the text unchanged
 * when it is not a JSON object, so graphql-http answers it with its own 400 message.
 */
function parsedBody(text: string): { body: string | Record<string, unknown>; operationName: string | null } {
  try {
    const data: unknown = JSON.parse(text)
    if (data && typeof data === 'object' && !Array.isArray(data)) {
      const name = (data as { operationName?: unknown }).operationName
      return { body: data as Record<string, unknown>, operationName: typeof name === 'string' && name ? name : null }
    }
  } catch {
    // not JSON: graphql-http answers 400
  }
  return { body: text, operationName: null }
}

function codeFor(error: GraphQLError): string {
  if (error.message.startsWith('Syntax Error')) return REQUEST_ERROR_CODES.GRAPHQL_PARSE_FAILED
  if (error.message.startsWith('Variable "$')) return REQUEST_ERROR_CODES.BAD_USER_INPUT
  return REQUEST_ERROR_CODES.GRAPHQL_VALIDATION_FAILED
}

/**
 * Gives every GraphQL error a stable code and hides unexpected resolver exceptions, which go to
 * `report` (the backend's `onError`: printed redacted by default) and never to the client.
 */
export function formatGraphQLError(error: Readonly<GraphQLError | Error>, report: (caught: unknown) => void): GraphQLError | Error {
  // Request errors graphql-http raises as plain errors (unparsable JSON, missing query ...).
  if (!(error instanceof GraphQLError)) {
    return new GraphQLError(error.message, { extensions: { code: REQUEST_ERROR_CODES.BAD_REQUEST } })
  }
  const original = error.originalError
  if (error.path && original && !(original instanceof GraphQLError)) {
    report(original)
    return new GraphQLError('Internal server error.', {
      nodes: error.nodes,
      path: error.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    })
  }
  if (typeof error.extensions['code'] === 'string') return error
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: codeFor(error) },
  })
}

function graphqlResponse(body: ExecutionResult, status: number, graphqlResponseJson: boolean): RawResponse {
  return [
    JSON.stringify(body),
    {
      status,
      statusText: status === 200 ? 'OK' : 'Bad Request',
      headers: {
        'content-type': graphqlResponseJson ? `${GRAPHQL_RESPONSE_JSON}; charset=utf-8` : 'application/json; charset=utf-8',
        ...retryAfterHeader(body.errors),
      },
    },
  ]
}

type RawResponse = [body: string, init: { status: number; statusText: string; headers: Record<string, string> }]

export interface GraphQLEndpoint {
  /** The surface name, for error reports. */
  surface: string
  schema: GraphQLSchema
  /** The resolvers' context for this request (built once per request). */
  context: Record<string, unknown>
  /**
   * Root fields that check a password or a code, send mail or create an account. A request may
   * carry at most `limits.sensitiveFieldsPerRequest` of them (aliases and fragments included).
   */
  sensitiveFields?: ReadonlySet<string>
}

/** What one request brings to the shared handler (graphql-http's per-request `context`). */
interface Call {
  ctx: RequestContext
  endpoint: GraphQLEndpoint
  graphqlResponseJson: boolean
  format: (error: Readonly<GraphQLError | Error>) => GraphQLError | Error
}

type Handler = ReturnType<typeof createHandler<RequestContext, Call, Record<string, unknown>>>

/** A request error (no `data`): 400 under graphql-response+json, the legacy 200 under application/json. */
function requestErrors(call: Call, errors: readonly (GraphQLError | Error)[]): RawResponse {
  return graphqlResponse({ errors: errors.map((error) => call.format(error) as GraphQLError) }, call.graphqlResponseJson ? 400 : 200, call.graphqlResponseJson)
}

function checkOperation(call: Call, params: RequestParams): RawResponse | OperationArgs<Record<string, unknown>> {
  const { ctx, endpoint } = call
  const { schema, context: contextValue } = endpoint
  // Parsed and validated once per query text and schema (graphql-documents.ts).
  const checked = checkedDocument(schema, params.query, { maxTokens: GRAPHQL_MAX_TOKENS })
  if (!checked.ok) return requestErrors(call, checked.errors)
  const { document } = checked

  const operationName = params.operationName ?? undefined
  const operation = getOperationAST(document, operationName)
  if (!operation) {
    const message = operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.'
    return requestErrors(call, [new GraphQLError(message)])
  }
  ctx.operationName = operation.name?.value ?? ctx.operationName
  if (operation.operation === 'subscription') return requestErrors(call, [new GraphQLError('Subscriptions are not supported.')])
  const limit = ctx.state.config.limits.sensitiveFieldsPerRequest
  const sensitive = endpoint.sensitiveFields ? countRootFields(document, operation, endpoint.sensitiveFields) : 0
  if (sensitive > limit) {
    return requestErrors(call, [
      new GraphQLError(`${PLATFORM_ERROR_CODES.TOO_MANY_SENSITIVE_FIELDS} At most ${limit} per request, this one has ${sensitive}.`, {
        extensions: { code: 'TOO_MANY_SENSITIVE_FIELDS', limit, count: sensitive },
      }),
    ])
  }
  return { schema, document, ...(operationName ? { operationName } : {}), variableValues: params.variables ?? null, contextValue, rootValue: undefined }
}

/**
 * One graphql-http handler for every surface and request, built on first use: what differs per
 * request travels in graphql-http's request `context`. graphql-http does the HTTP part (method,
 * content type, JSON body, Accept negotiation); parsing, validation and execution run here with
 * this module's graphql-js, so the mock works even where a tool loads two copies of graphql
 * (vitest loads graphql-http's ESM natively).
 */
let shared: Handler | undefined
function handler(): Handler {
  shared ??= createHandler<RequestContext, Call, Record<string, unknown>>({
    getOperationAST,
    execute,
    // Only graphql-http's own request errors (unparsable body, missing query …) reach this: plain
    // errors, never a resolver's, so there is nothing to report.
    formatError: (error) => formatGraphQLError(error, () => undefined),
    onSubscribe: (req, params) => checkOperation(req.context, params),
    onOperation: (req, _args, result: ExecutionResult) => {
      const call = req.context
      // A result without `data` is a request error (e.g. variable coercion).
      if (result.data === undefined) return requestErrors(call, result.errors ?? [new GraphQLError('Request failed.')])
      const errors = result.errors?.map((error) => call.format(error) as GraphQLError)
      return graphqlResponse({ ...(errors ? { errors } : {}), data: result.data }, 200, call.graphqlResponseJson)
    },
  })
  return shared
}

/** Serves one GraphQL-over-HTTP request against `endpoint.schema`. */
export async function serveGraphQL(ctx: RequestContext, endpoint: GraphQLEndpoint): Promise<Response> {
  const { url, headers } = ctx
  if (url.href.length > GRAPHQL_MAX_BODY_BYTES) return tooLarge()

  const { method } = ctx
  const hasBody = method !== 'GET' && method !== 'HEAD'
  // Read under the limit and decoded strictly: graphql-http would decode bytes that are not UTF-8
  // with replacement characters and run whatever that turned into.
  const read = hasBody ? await ctx.readText(GRAPHQL_MAX_BODY_BYTES) : { ok: true as const, text: '' }
  if (!read.ok) {
    if (read.status === 413) return tooLarge()
    const message = read.reason === 'invalid_encoding' ? 'The request body is not valid UTF-8.' : 'The request body could not be read.'
    return transportError(400, REQUEST_ERROR_CODES.BAD_REQUEST, message)
  }
  const parsed = hasBody ? parsedBody(read.text) : { body: null, operationName: url.searchParams.get('operationName') || null }
  ctx.operationName = parsed.operationName

  const call: Call = {
    ctx,
    endpoint,
    graphqlResponseJson: acceptsGraphQLResponseJson(headers),
    format: (error) => formatGraphQLError(error, (caught) => reportError(ctx, caught, endpoint.surface)),
  }
  const [body, init] = await handler()({ method, url: url.href, headers, body: parsed.body, raw: ctx, context: call })
  return withErrorBody(typeof body === 'string' ? textResponse(body, init) : new Response(body, init))
}
