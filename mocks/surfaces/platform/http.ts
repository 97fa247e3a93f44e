/**
 * GraphQL-over-HTTP for the platform surface. graphql-http's fetch handler does the HTTP part
 * (methods, content types, JSON body, Accept negotiation); this module parses, validates and
 * executes with graphql-js and shapes the answers:
 * - POST with `content-type: application/json`; GET for queries (a mutation over GET → 405);
 *   other methods → 405; other content types → 415; no acceptable media type → 406.
 * - Malformed JSON, a non-object body, a missing/non-string `query`, bad `variables` → 400.
 * - Request errors (syntax error, validation error such as an unknown field or an invalid
 *   EmailAddress literal, unknown operation name, variable coercion failure such as a wrong
 *   variable type or an invalid EmailAddress variable) → `errors` and no `data`, with 400 when the
 *   client accepts `application/graphql-response+json` and the spec's legacy 200 when it only
 *   accepts `application/json` (or sends no Accept).
 * - Executed operations → 200 with `data` (fields that failed are null and listed in `errors`).
 * - Limits: a body or URL over `PLATFORM_MAX_BODY_BYTES` (1 MiB) → 413 PAYLOAD_TOO_LARGE without
 *   parsing it; a document over `PLATFORM_MAX_TOKENS` (10 000 tokens) → a syntax error.
 * - Every error carries `extensions.code`: resolver errors their platform code (errors.ts);
 *   request errors BAD_REQUEST / GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED /
 *   BAD_USER_INPUT; an unexpected resolver exception becomes `Internal server error.` /
 *   INTERNAL_SERVER_ERROR (the original is printed to the console, never sent).
 */
import {
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
} from 'graphql'
import { createHandler } from 'graphql-http/lib/use/fetch'
import type { RequestContext } from '../../state/types'
import { REQUEST_ERROR_CODES } from './errors'
import { createPlatformContext } from './resolvers'
import { platformSchema } from './schema'

export const PLATFORM_MAX_BODY_BYTES = 1024 * 1024
export const PLATFORM_MAX_TOKENS = 10_000

const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json'

/** The media type graphql-http will answer with (same negotiation as graphql-http's handler). */
function acceptsGraphQLResponseJson(request: Request): boolean {
  const accepts = (request.headers.get('accept') || '*/*').replace(/\s/g, '').toLowerCase().split(',')
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

function tooLarge(): Response {
  const body = {
    errors: [
      {
        message: `The request is larger than ${PLATFORM_MAX_BODY_BYTES} bytes.`,
        extensions: { code: REQUEST_ERROR_CODES.PAYLOAD_TOO_LARGE },
      },
    ],
  }
  return new Response(JSON.stringify(body), {
    status: 413,
    statusText: 'Payload Too Large',
    headers: { 'content-type': 'application/json; charset=utf-8' },
  })
}

/** Reads the body, giving up (null) as soon as it exceeds the limit. */
async function readBody(request: Request): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > PLATFORM_MAX_BODY_BYTES) {
      // Not awaited: on a tee'd stream (msw clones requests) cancel settles only when every
      // branch is cancelled.
      reader.cancel().catch(() => undefined)
      return null
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(new ArrayBuffer(size))
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/** The operation name the client announced, for the request log (best effort, never throws). */
function announcedOperationName(url: URL, method: string, body: Uint8Array): string | null {
  try {
    if (method === 'GET') return url.searchParams.get('operationName') || null
    const data: unknown = JSON.parse(new TextDecoder().decode(body))
    if (data && typeof data === 'object' && typeof (data as { operationName?: unknown }).operationName === 'string') {
      return (data as { operationName: string }).operationName || null
    }
  } catch {
    // not JSON: graphql-http answers 400
  }
  return null
}

function codeFor(error: GraphQLError): string {
  if (error.message.startsWith('Syntax Error')) return REQUEST_ERROR_CODES.GRAPHQL_PARSE_FAILED
  if (error.message.startsWith('Variable "$')) return REQUEST_ERROR_CODES.BAD_USER_INPUT
  return REQUEST_ERROR_CODES.GRAPHQL_VALIDATION_FAILED
}

/** Gives every GraphQL error a stable code and hides unexpected resolver exceptions. */
export function formatPlatformError(error: Readonly<GraphQLError | Error>): GraphQLError | Error {
  // Request errors graphql-http raises as plain errors (unparsable JSON, missing query ...).
  if (!(error instanceof GraphQLError)) {
    return new GraphQLError(error.message, { extensions: { code: REQUEST_ERROR_CODES.BAD_REQUEST } })
  }
  const original = error.originalError
  if (error.path && original && !(original instanceof GraphQLError)) {
    const detail = (original.stack ?? `${original.name}: ${original.message}`)
      .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[jwt]')
      .replace(/\b[A-Za-z0-9_-]{32,}\b/g, '[redacted]')
    console.error(`[portcullis-mock] platform resolver ${error.path.join('.')} failed\n${detail}`)
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
      },
    },
  ]
}

/** A request error (no `data`): 400 under graphql-response+json, the legacy 200 under application/json. */
function requestErrors(errors: readonly (GraphQLError | Error)[], graphqlResponseJson: boolean): RawResponse {
  const formatted = errors.map((error) => formatPlatformError(error) as GraphQLError)
  return graphqlResponse({ errors: formatted }, graphqlResponseJson ? 400 : 200, graphqlResponseJson)
}

type RawResponse = [body: string, init: { status: number; statusText: string; headers: Record<string, string> }]

export async function handlePlatformRequest(ctx: RequestContext): Promise<Response> {
  const { request, url } = ctx
  if (url.href.length > PLATFORM_MAX_BODY_BYTES) return tooLarge()
  const declared = Number(request.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > PLATFORM_MAX_BODY_BYTES) return tooLarge()

  const method = request.method.toUpperCase()
  const hasBody = method !== 'GET' && method !== 'HEAD'
  const body = hasBody ? await readBody(request) : new Uint8Array(0)
  if (body === null) return tooLarge()
  ctx.operationName = announcedOperationName(url, method, body)

  const headers = new Headers(request.headers)
  headers.delete('content-length')
  const replay = new Request(request.url, { method, headers, ...(hasBody ? { body } : {}) })

  const graphqlResponseJson = acceptsGraphQLResponseJson(replay)
  const schema = platformSchema()
  const contextValue = createPlatformContext(ctx) as unknown as Record<string, unknown>

  // graphql-http does the HTTP part (method, content type, JSON body, Accept negotiation);
  // parsing, validation and execution run here with this module's graphql-js, so the mock works
  // even where a tool loads two copies of graphql (vitest loads graphql-http's ESM natively).
  const handler = createHandler<Record<string, unknown>>({
    getOperationAST,
    execute,
    formatError: formatPlatformError,
    onSubscribe: (_req, params) => {
      let document: DocumentNode
      try {
        document = parse(params.query, { maxTokens: PLATFORM_MAX_TOKENS })
      } catch (error) {
        return requestErrors([error as Error], graphqlResponseJson)
      }
      const validationErrors = validate(schema, document, specifiedRules)
      if (validationErrors.length > 0) return requestErrors(validationErrors, graphqlResponseJson)

      const operationName = params.operationName ?? undefined
      const operation = getOperationAST(document, operationName)
      if (!operation) {
        const message = operationName
          ? `Unknown operation named "${operationName}".`
          : 'Must provide operation name if query contains multiple operations.'
        return requestErrors([new GraphQLError(message)], graphqlResponseJson)
      }
      ctx.operationName = operation.name?.value ?? ctx.operationName
      if (operation.operation === 'subscription') {
        return requestErrors([new GraphQLError('Subscriptions are not supported.')], graphqlResponseJson)
      }
      return {
        schema,
        document,
        ...(operationName ? { operationName } : {}),
        variableValues: params.variables ?? null,
        contextValue,
        rootValue: undefined,
      }
    },
    onOperation: (_req, _args, result: ExecutionResult) => {
      const errors = result.errors?.map((error) => formatPlatformError(error) as GraphQLError)
      const formatted: ExecutionResult = { ...(errors ? { errors } : {}), ...('data' in result ? { data: result.data } : {}) }
      // A result without `data` is a request error (e.g. variable coercion).
      if (result.data === undefined) return requestErrors(result.errors ?? [new GraphQLError('Request failed.')], graphqlResponseJson)
      return graphqlResponse(formatted, 200, graphqlResponseJson)
    },
  })
  return handler(replay)
}
