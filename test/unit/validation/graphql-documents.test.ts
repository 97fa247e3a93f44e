/**
 * The GraphQL document cache: the same query text gives the very same parsed document (no second
 * parse or validation), invalid documents are never cached, each schema has its own entries, and
 * the cache stays bounded (least recently used evicted first).
 */
import { buildSchema } from 'graphql'
import { describe, expect, it } from 'vitest'
import { cachedDocumentCount, checkedDocument, DOCUMENT_CACHE_ENTRIES, MAX_CACHED_QUERY_LENGTH } from '../../../mocks/surfaces/graphql-documents'
import { accountsSchema } from '../../../mocks/surfaces/accounts/schema'
import { platformSchema } from '../../../mocks/surfaces/platform/schema'

const schemaOf = () => buildSchema('type Query { a(n: Int): Int, b: String }')
const limits = { maxTokens: 10_000 }

describe('checkedDocument', () => {
  it('returns the same parsed document for the same query text', () => {
    const schema = schemaOf()
    const first = checkedDocument(schema, '{ a }', limits)
    const second = checkedDocument(schema, '{ a }', limits)
    expect(first.ok && second.ok).toBe(true)
    if (!first.ok || !second.ok) return
    expect(second.document).toBe(first.document)
    // Different text (even only whitespace) is another entry.
    const spaced = checkedDocument(schema, '{  a }', limits)
    expect(spaced.ok && spaced.document).not.toBe(first.document)
    expect(cachedDocumentCount(schema)).toBe(2)
  })

  it('answers parse and validation errors every time and caches neither', () => {
    const schema = schemaOf()
    for (let i = 0; i < 2; i++) {
      const syntax = checkedDocument(schema, '{ a', limits)
      expect(syntax.ok).toBe(false)
      if (!syntax.ok) expect(syntax.errors[0]!.message).toMatch(/^Syntax Error/)
      const invalid = checkedDocument(schema, '{ nope }', limits)
      expect(invalid.ok).toBe(false)
      if (!invalid.ok) expect(invalid.errors[0]!.message).toContain('Cannot query field "nope"')
    }
    const tooLong = checkedDocument(schema, '{ a b }', { maxTokens: 3 })
    expect(tooLong.ok).toBe(false)
    const deep = checkedDocument(schema, `{ a ${'{'.repeat(20_000)}`, { maxTokens: 100_000 })
    expect(deep.ok).toBe(false)
    expect(cachedDocumentCount(schema)).toBe(0)
  })

  it('keeps one cache per schema: a document valid for one is still validated for another', () => {
    const one = schemaOf()
    const other = buildSchema('type Query { b: String }')
    expect(checkedDocument(one, '{ a }', limits).ok).toBe(true)
    expect(checkedDocument(other, '{ a }', limits).ok).toBe(false)
    expect(cachedDocumentCount(other)).toBe(0)
  })

  it(`holds at most ${DOCUMENT_CACHE_ENTRIES} documents, evicting the least recently used`, () => {
    const schema = schemaOf()
    const query = (i: number) => `query Q${i} { a(n: ${i}) }`
    const kept = checkedDocument(schema, query(0), limits)
    const evicted = checkedDocument(schema, query(1), limits)
    for (let i = 2; i < DOCUMENT_CACHE_ENTRIES + 50; i++) {
      checkedDocument(schema, query(i), limits)
      // Used all along, query 0 stays the most recent.
      checkedDocument(schema, query(0), limits)
    }
    expect(cachedDocumentCount(schema)).toBe(DOCUMENT_CACHE_ENTRIES)
    const again = checkedDocument(schema, query(0), limits)
    expect(kept.ok && again.ok && again.document === kept.document).toBe(true)
    const reparsed = checkedDocument(schema, query(1), limits)
    expect(evicted.ok && reparsed.ok && reparsed.document !== evicted.document).toBe(true)
    expect(cachedDocumentCount(schema)).toBe(DOCUMENT_CACHE_ENTRIES)
  })

  it(`does not cache documents longer than ${MAX_CACHED_QUERY_LENGTH} characters`, () => {
    const schema = schemaOf()
    const long = `{ a ${' '.repeat(MAX_CACHED_QUERY_LENGTH)}}`
    expect(checkedDocument(schema, long, limits).ok).toBe(true)
    expect(cachedDocumentCount(schema)).toBe(0)
  })

  it('is what the platform surface uses', async () => {
    const { createMockBackend } = await import('../../../mocks/index')
    const mock = createMockBackend({ onError: () => {} })
    const query = 'query CacheProbe { __typename }'
    const before = cachedDocumentCount(platformSchema())
    const ask = () =>
      mock.backend.handle(
        new Request('http://mock.test/api/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }),
      )
    expect((await ask())?.status).toBe(200)
    expect(cachedDocumentCount(platformSchema())).toBe(before + 1)
    const cached = checkedDocument(platformSchema(), query, limits)
    expect((await ask())?.status).toBe(200)
    const still = checkedDocument(platformSchema(), query, limits)
    expect(cached.ok && still.ok && still.document === cached.document).toBe(true)
    expect(cachedDocumentCount(platformSchema())).toBe(before + 1)
  })

  it.each([
    ['/graphql', 'classic'],
    ['/graphql/relay', 'relay'],
  ] as const)('is what the accounts surface uses at %s, one cache per schema', async (path, flavour) => {
    const { createMockBackend } = await import('../../../mocks/index')
    const mock = createMockBackend({ onError: () => {} })
    const query = `query AccountsCacheProbe${flavour} { __typename }`
    const before = cachedDocumentCount(accountsSchema(flavour))
    const ask = () =>
      mock.backend.handle(
        new Request(`http://mock.test${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }),
      )
    expect((await ask())?.status).toBe(200)
    expect((await ask())?.status).toBe(200)
    expect(cachedDocumentCount(accountsSchema(flavour))).toBe(before + 1)
  })
})
