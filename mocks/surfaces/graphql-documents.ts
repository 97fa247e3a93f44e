/**
 * Parsed-and-validated GraphQL documents, cached per schema by query text, as production GraphQL
 * servers do: an app sends the same few documents over and over, and parsing plus validating
 * one costs more than executing it. Any GraphQL surface (platform, accounts classic and relay)
 * calls `checkedDocument` in place of `parse` + `validate`.
 *
 * Only valid documents are cached (a failing one is answered once and forgotten), in a bounded
 * LRU per schema, and only documents up to `MAX_CACHED_QUERY_LENGTH` characters, so the cache
 * holds at most `DOCUMENT_CACHE_ENTRIES` × that much text per schema whatever clients send.
 */
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql'
import { REQUEST_ERROR_CODES } from './platform/errors'

export const DOCUMENT_CACHE_ENTRIES = 500
export const MAX_CACHED_QUERY_LENGTH = 16 * 1024

export type CheckedDocument = { ok: true; document: DocumentNode } | { ok: false; errors: readonly GraphQLError[] }

/** Query text → document, in least-recently-used order (a Map keeps insertion order). */
const caches = new WeakMap<GraphQLSchema, Map<string, DocumentNode>>()

function parseAndValidate(schema: GraphQLSchema, query: string, maxTokens: number): CheckedDocument {
  let document: DocumentNode
  try {
    document = parse(query, { maxTokens })
  } catch (error) {
    // graphql-js parses recursively: a document nested thousands deep overflows the stack.
    const parseError =
      error instanceof GraphQLError
        ? error
        : new GraphQLError('Syntax Error: the document is nested too deeply.', { extensions: { code: REQUEST_ERROR_CODES.GRAPHQL_PARSE_FAILED } })
    return { ok: false, errors: [parseError] }
  }
  let errors: readonly GraphQLError[]
  try {
    errors = validate(schema, document, specifiedRules)
  } catch {
    errors = [new GraphQLError('The document is too complex to validate.', { extensions: { code: REQUEST_ERROR_CODES.GRAPHQL_VALIDATION_FAILED } })]
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, document }
}

/**
 * The document for `query`, parsed (at most `maxTokens` tokens) and validated against `schema`,
 * from the cache when this schema has seen the same text before. The returned document is shared
 * between requests: graphql-js never mutates one.
 */
export function checkedDocument(schema: GraphQLSchema, query: string, options: { maxTokens: number }): CheckedDocument {
  let cache = caches.get(schema)
  if (!cache) caches.set(schema, (cache = new Map()))
  const hit = cache.get(query)
  if (hit) {
    // Most recently used goes last.
    cache.delete(query)
    cache.set(query, hit)
    return { ok: true, document: hit }
  }
  const checked = parseAndValidate(schema, query, options.maxTokens)
  if (checked.ok && query.length <= MAX_CACHED_QUERY_LENGTH) {
    cache.set(query, checked.document)
    for (const oldest of cache.keys()) {
      if (cache.size <= DOCUMENT_CACHE_ENTRIES) break
      cache.delete(oldest)
    }
  }
  return checked
}

/** How many documents are cached for `schema` (for tests and diagnostics). */
export function cachedDocumentCount(schema: GraphQLSchema): number {
  return caches.get(schema)?.size ?? 0
}
