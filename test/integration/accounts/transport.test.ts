/**
 * Both accounts endpoints as GraphQL-over-HTTP servers: graphql-http's server audits pass, and
 * bad input (malformed JSON, wrong variable types, unknown fields, 2 MB bodies, wrong methods and
 * media types, hostile headers and cookies) is answered 4xx, never 5xx, after which the endpoint
 * still signs a user in.
 */
import { serverAudits, type AuditResult } from 'graphql-http'
import { describe, expect, it } from 'vitest'
import { TokenAuthDocument } from '../../../src/generated/accounts/graphql'
import { TokenAuthRelayDocument } from '../../../src/generated/accounts-relay/graphql'
import { accounts, BASE, createUser, FLAVOURS, PASSWORD, signIn, useAccountsMock } from './helpers'

useAccountsMock()

const ACCEPT = 'application/graphql-response+json, application/json'
const jsonHeaders = { 'content-type': 'application/json', accept: ACCEPT }
const LOGIN = { classic: String(TokenAuthDocument), relay: String(TokenAuthRelayDocument) }

describe.each(FLAVOURS)('accounts %s endpoint', (flavour) => {
  const api = accounts(flavour)
  const endpoint = `${BASE}${api.path}`

  async function raw(init: RequestInit, url = endpoint): Promise<{ status: number; body: { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } | null }> {
    const response = await fetch(url, init)
    const text = await response.text()
    let body = null
    try {
      body = text ? JSON.parse(text) : null
    } catch {
      body = null
    }
    return { status: response.status, body }
  }

  /** After every bad request the endpoint must still sign a user in. */
  async function stillServing(): Promise<void> {
    await signIn(api, await createUser())
  }

  const expect4xx = (status: number) => {
    expect(status).toBeGreaterThanOrEqual(400)
    expect(status).toBeLessThan(500)
  }

  it('malformed JSON, a non-object body, a missing query → 400 BAD_REQUEST', async () => {
    for (const body of ['{"query": "mutation {', '[1,2]', '{}', JSON.stringify({ query: 1 }), JSON.stringify({ query: '{ __typename }', variables: [] })]) {
      const reply = await raw({ method: 'POST', headers: jsonHeaders, body })
      expect(reply.status, body).toBe(400)
      expect(reply.body?.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST')
    }
    await stillServing()
  })

  it('wrong variable types and missing required variables → 400 BAD_USER_INPUT, no data', async () => {
    const variables = flavour === 'classic' ? { username: 'alice', password: 12345 } : { input: { username: 'alice', password: ['x'] } }
    for (const vars of [variables, {}]) {
      const reply = await raw({ method: 'POST', headers: jsonHeaders, body: JSON.stringify({ query: LOGIN[flavour], variables: vars }) })
      expect(reply.status).toBe(400)
      expect(reply.body).not.toHaveProperty('data')
      expect(reply.body?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    }
    await stillServing()
  })

  it('unknown fields and arguments (and the other flavour’s argument style) → 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const otherStyle = flavour === 'classic' ? 'mutation { tokenAuth(input: { username: "a", password: "b" }) { success } }' : 'mutation { tokenAuth(username: "a", password: "b") { success } }'
    for (const query of ['mutation { deleteEverything { success } }', '{ users { edges { node { password } } } }', otherStyle]) {
      const reply = await raw({ method: 'POST', headers: jsonHeaders, body: JSON.stringify({ query }) })
      expect(reply.status, query).toBe(400)
      expect(reply.body?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
    }
    await stillServing()
  })

  it('a 2 MB body → 413 PAYLOAD_TOO_LARGE', async () => {
    const reply = await raw({ method: 'POST', headers: jsonHeaders, body: JSON.stringify({ query: `{ __typename } # ${'x'.repeat(2 * 1024 * 1024)}` }) })
    expect(reply.status).toBe(413)
    expect(reply.body?.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE')
    // 2 MB of one argument value is refused the same way, never hashed.
    const password = 'p'.repeat(2 * 1024 * 1024)
    const big = await raw({ method: 'POST', headers: jsonHeaders, body: JSON.stringify({ query: LOGIN[flavour], variables: flavour === 'classic' ? { username: 'alice', password } : { input: { username: 'alice', password } } }) })
    expect(big.status).toBe(413)
    await stillServing()
  })

  it('wrong method, media type or Accept → 405 / 415 / 406; a syntax error or a nested-too-deep document → 400', async () => {
    expect((await raw({ method: 'PUT', headers: jsonHeaders, body: '{"query":"{ __typename }"}' })).status).toBe(405)
    expect((await raw({ method: 'POST', headers: { 'content-type': 'text/plain', accept: ACCEPT }, body: '{}' })).status).toBe(415)
    expect((await raw({ method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/html' }, body: '{"query":"{ __typename }"}' })).status).toBe(406)
    const url = new URL(endpoint)
    url.searchParams.set('query', flavour === 'classic' ? 'mutation { revokeToken(refreshToken: "x") { success } }' : 'mutation { revokeToken(input: { refreshToken: "x" }) { success } }')
    expect((await raw({ headers: { accept: ACCEPT } }, url.href)).status).toBe(405)
    for (const query of ['mutation { tokenAuth(', '{' + 'a{'.repeat(5000) + 'a' + '}'.repeat(5001)]) {
      const reply = await raw({ method: 'POST', headers: jsonHeaders, body: JSON.stringify({ query }) })
      expect(reply.status).toBe(400)
      expect(reply.body?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED')
    }
    await stillServing()
  })

  it('hostile tokens, headers and cookies never crash a request', async () => {
    const hostile: Array<Record<string, string>> = [
      { authorization: 'JWT' },
      { authorization: 'JWT a.b' },
      { authorization: `JWT ${'x'.repeat(10_000)}` },
      { authorization: 'JWT eyJhbGciOiJub25lIn0.eyJ1c2VybmFtZSI6ImFsaWNlIn0.' },
      { cookie: 'JWT=%E0%A4%A' },
      { cookie: ';;;=;JWT' },
    ]
    for (const headers of hostile) {
      const reply = await raw({ method: 'POST', headers: { ...jsonHeaders, ...headers }, body: JSON.stringify({ query: '{ me { username } }' }) })
      expect(reply.status, JSON.stringify(headers)).toBe(200)
      expect(reply.body?.data).toEqual({ me: null })
    }
    const mutation = flavour === 'classic' ? 'mutation { archiveAccount(password: "x") { success errors } }' : 'mutation { archiveAccount(input: { password: "x" }) { success errors } }'
    for (const headers of hostile) {
      const reply = await raw({ method: 'POST', headers: { ...jsonHeaders, ...headers }, body: JSON.stringify({ query: mutation }) })
      expect(reply.status).toBe(200)
    }
    await stillServing()
  })

  it('odd but valid values (empty strings, huge page sizes, bad cursors, unicode) are answered, not crashed on', async () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['tokenAuth', { username: '', password: '' }],
      ['tokenAuth', { email: 'ünïcødé@例え.jp', password: PASSWORD }],
      ['register', { email: '', username: '', password1: '', password2: '' }],
      ['verifyAccount', { token: '::' }],
      ['verifyAccount', { token: `${'a'.repeat(3000)}:b:c` }],
      ['refreshToken', { refreshToken: '' }],
      ['revokeToken', { refreshToken: '\u0000' }],
    ]
    for (const [field, args] of cases) {
      const output = await api.mutate(field, args)
      expect(output.success, `${field} ${JSON.stringify(args)}`).toBe(false)
    }
    const emptyForm = (await api.mutate('register', { email: '', username: '', password1: '', password2: '' })).errors
    expect(Object.keys(emptyForm ?? {}).sort()).toEqual(['email', 'password1', 'password2', 'username'])
    for (const variables of [{ first: -1 }, { first: 2 ** 31 - 1 }, { after: 'bm90IGEgY3Vyc29y' }, { offset: 10_000 }]) {
      const reply = await api.query('query($first: Int, $after: String, $offset: Int) { users(first: $first, after: $after, offset: $offset) { edges { cursor } } }', variables)
      expect(reply.status).toBe(200)
    }
    await stillServing()
  })

  it('passes every graphql-http server audit', async () => {
    const results: AuditResult[] = []
    for (const audit of serverAudits({ url: endpoint, fetchFn: fetch })) results.push(await audit.fn())
    const failing = results.filter((r) => r.status !== 'ok')
    expect(failing.map((r) => `${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`)).toEqual([])
    expect(results.length).toBeGreaterThan(20)
    await stillServing()
  })
})
