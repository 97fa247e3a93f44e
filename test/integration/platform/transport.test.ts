/**
 * Platform surface as a GraphQL-over-HTTP server: bad requests are 4xx (never 5xx) and the server
 * keeps serving; unexpected resolver exceptions are masked; graphql-http's server audits pass.
 */
import { serverAudits, type AuditResult } from 'graphql-http'
import { describe, expect, it, vi } from 'vitest'
import { platformSurface } from '../../../mocks/surfaces/platform/index'
import { ForgotPasswordDocument, LoginDocument } from '../../../src/generated/platform/graphql'
import { ACCEPT, createUser, ENDPOINT, expectRequestError, gql, login, usePlatformMock, type GraphQLErrorBody } from './helpers'

const backend = usePlatformMock()

async function raw(init: RequestInit & { url?: string }): Promise<{ status: number; body: { data?: unknown; errors?: GraphQLErrorBody[] } | null }> {
  const res = await fetch(init.url ?? ENDPOINT, init)
  const text = await res.text()
  let body: { data?: unknown; errors?: GraphQLErrorBody[] } | null = null
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    body = null
  }
  return { status: res.status, body }
}

const jsonHeaders = { 'content-type': 'application/json', accept: ACCEPT }

/** After every bad request the server must still answer a normal login. */
async function stillServing(): Promise<void> {
  const user = await createUser()
  const result = await login(user)
  expect(result.token).toBeTruthy()
}

describe('bad requests are 4xx and the server keeps serving', () => {
  it('malformed JSON → 400', async () => {
    const reply = await raw({ method: 'POST', headers: jsonHeaders, body: '{"query": "mutation {' })
    expect(reply.status).toBe(400)
    expect(reply.body?.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST')
    await stillServing()
  })

  it('a JSON body that is not an object, or has no query → 400', async () => {
    expect((await raw({ method: 'POST', headers: jsonHeaders, body: '[1,2]' })).status).toBe(400)
    expect((await raw({ method: 'POST', headers: jsonHeaders, body: '{}' })).status).toBe(400)
    expect((await raw({ method: 'POST', headers: jsonHeaders, body: JSON.stringify({ query: 1 }) })).status).toBe(400)
    expect((await raw({ method: 'POST', headers: jsonHeaders, body: JSON.stringify({ query: '{ __typename }', variables: [] }) })).status).toBe(400)
    await stillServing()
  })

  it('GraphQL syntax error → 400 without data', async () => {
    const errors = expectRequestError(await gql('mutation { login(credentials: { password: "x" } { token }'))
    expect(errors[0]!.extensions?.code).toBe('GRAPHQL_PARSE_FAILED')
    await stillServing()
  })

  it('unknown operation name → 400', async () => {
    const reply = await raw({
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ query: String(LoginDocument), operationName: 'NoSuchOperation', variables: {} }),
    })
    expect(reply.status).toBe(400)
    expect(reply.body).not.toHaveProperty('data')
    await stillServing()
  })

  it('unknown field → 400 with a validation error', async () => {
    const errors = expectRequestError(await gql('mutation { deleteEverything { status } }'))
    expect(errors[0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
    expect(errors[0]!.message).toContain('deleteEverything')
    await stillServing()
  })

  it('wrong variable type → 400', async () => {
    const errors = expectRequestError(await gql(LoginDocument, { credentials: { email: 'a@example.com', password: 12345 } } as never))
    expect(errors[0]!.extensions?.code).toBe('BAD_USER_INPUT')
    expectRequestError(await gql(LoginDocument, {} as never))
    await stillServing()
  })

  it('invalid EmailAddress (variable and literal) → 400 without data', async () => {
    const variable = expectRequestError(await gql(ForgotPasswordDocument, { email: 'user@@example' }))
    expect(variable[0]!.message).toContain('EmailAddress')
    const literal = expectRequestError(await gql('mutation { forgotPassword(email: "no spaces@x.io") { status } }'))
    expect(literal[0]!.message).toContain('EmailAddress')
    expectRequestError(await gql('mutation { forgotPassword(email: 42) { status } }'))
    await stillServing()
  })

  it('a 2 MB body → 413, with or without content-length', async () => {
    const huge = JSON.stringify({ query: `query { userProfile { id } } # ${'x'.repeat(2 * 1024 * 1024)}` })
    const reply = await raw({ method: 'POST', headers: jsonHeaders, body: huge })
    expect(reply.status).toBe(413)
    expect(reply.body?.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE')

    // Streamed body without a content-length header.
    const bytes = new TextEncoder().encode(huge)
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024))
        controller.close()
      },
    })
    const streamed = await raw({ method: 'POST', headers: jsonHeaders, body: stream, duplex: 'half' } as RequestInit)
    expect(streamed.status).toBe(413)
    await stillServing()
  })

  it('a document with too many tokens → 400', async () => {
    const fields = Array.from({ length: 12_000 }, () => '__typename').join(' ')
    expectRequestError(await gql(`query { ${fields} }`))
    await stillServing()
  })

  it('wrong content type → 415, other methods → 405, mutation over GET → 405, unacceptable Accept → 406; each a JSON error with a code', async () => {
    const expectTransportError = async (reply: Promise<Response>, status: number, code: string) => {
      const res = await reply
      expect(res.status).toBe(status)
      expect(res.headers.get('content-type')).toContain('application/json')
      const body = (await res.json()) as { errors: GraphQLErrorBody[] }
      expect(body).not.toHaveProperty('data')
      expect(body.errors).toEqual([{ message: expect.any(String), extensions: { code } }])
      return res
    }
    await expectTransportError(fetch(ENDPOINT, { method: 'POST', headers: { 'content-type': 'text/plain', accept: ACCEPT }, body: '{}' }), 415, 'UNSUPPORTED_MEDIA_TYPE')
    await expectTransportError(fetch(ENDPOINT, { method: 'POST', headers: { accept: ACCEPT }, body: new Blob(['{"query":"{ __typename }"}']) }), 415, 'UNSUPPORTED_MEDIA_TYPE')
    const put = await expectTransportError(fetch(ENDPOINT, { method: 'PUT', headers: jsonHeaders, body: JSON.stringify({ query: '{ __typename }' }) }), 405, 'METHOD_NOT_ALLOWED')
    expect(put.headers.get('allow')).toContain('POST')
    const url = new URL(ENDPOINT)
    url.searchParams.set('query', 'mutation { forgotPassword(email: "a@b.co") { status } }')
    await expectTransportError(fetch(url, { headers: { accept: ACCEPT } }), 405, 'METHOD_NOT_ALLOWED')
    await expectTransportError(fetch(ENDPOINT, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/html' }, body: '{"query":"{ __typename }"}' }), 406, 'NOT_ACCEPTABLE')
    await stillServing()
  })

  it('a body that is not UTF-8 → 400 BAD_REQUEST (never decoded with replacement characters and run)', async () => {
    const encoder = new TextEncoder()
    // {"query":"{ __typename }","variables":{"x":"\xff\xfe"}}: valid JSON once the bytes are replaced.
    const body = new Uint8Array([...encoder.encode('{"query":"{ __typename }","variables":{"x":"'), 0xff, 0xfe, ...encoder.encode('"}}')])
    for (const accept of [ACCEPT, 'application/json']) {
      const reply = await raw({ method: 'POST', headers: { ...jsonHeaders, accept }, body })
      expect(reply.status).toBe(400)
      expect(reply.body).toEqual({ errors: [{ message: expect.stringContaining('UTF-8'), extensions: { code: 'BAD_REQUEST' } }] })
    }
    await stillServing()
  })

  it('a document nested too deeply for the recursive parser → a syntax error, not a stack-overflow message', async () => {
    for (const query of ['{' + 'a{'.repeat(5000) + 'a' + '}'.repeat(5001), `mutation { login(credentials: { password: "x", deviceInfo: ${'['.repeat(4000)}${']'.repeat(4000)} }) { token } }`]) {
      const errors = expectRequestError(await gql(query))
      expect(errors[0]!.extensions?.code).toBe('GRAPHQL_PARSE_FAILED')
      expect(errors[0]!.message).not.toContain('call stack')
    }
    await stillServing()
  })

  it('accepting only application/json: request errors keep the legacy 200 without data', async () => {
    const reply = await gql('mutation { deleteEverything { status } }', undefined, { accept: 'application/json' })
    expect(reply.status).toBe(200)
    expect(reply.body).not.toHaveProperty('data')
    expect(reply.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })

  it('owns exactly /api/graphql', () => {
    expect(platformSurface.owns(new URL('http://any.host/api/graphql?query=x'))).toBe(true)
    expect(platformSurface.owns(new URL('http://any.host/api/graphql/'))).toBe(false)
    expect(platformSurface.owns(new URL('http://any.host/graphql'))).toBe(false)
    expect(platformSurface.owns(new URL('http://any.host/api/graphqlx'))).toBe(false)
  })
})

describe('unexpected resolver exceptions', () => {
  it('are masked as INTERNAL_SERVER_ERROR without leaking internals', async () => {
    const user = await createUser()
    const errorLog = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const spy = vi.spyOn(backend.state.users, 'findByEmail').mockImplementationOnce(() => {
      throw new Error('connection to postgres://admin:hunter2@db.internal failed')
    })
    try {
      const reply = await gql(LoginDocument, { credentials: { email: user.email, password: user.password } })
      expect(reply.status).toBe(200)
      expect(reply.body.errors).toHaveLength(1)
      expect(reply.body.errors![0]).toMatchObject({ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' }, path: ['login'] })
      expect(JSON.stringify(reply.body)).not.toContain('hunter2')
      expect(JSON.stringify(reply.body)).not.toContain('postgres')
      expect(errorLog).toHaveBeenCalled()
    } finally {
      spy.mockRestore()
      errorLog.mockRestore()
    }
    await stillServing()
  })
})

describe('GraphQL-over-HTTP conformance (graphql-http serverAudits)', () => {
  it('passes every audit', async () => {
    const audits = serverAudits({ url: ENDPOINT, fetchFn: fetch })
    const results: AuditResult[] = []
    for (const audit of audits) results.push(await audit.fn())
    const failing = results.filter((r) => r.status !== 'ok')
    const summary = (prefix: string) => {
      const subset = results.filter((r) => r.name.startsWith(prefix))
      return `${subset.filter((r) => r.status === 'ok').length}/${subset.length}`
    }
    console.info(
      `[platform serverAudits] MUST ${summary('MUST')} ok, SHOULD ${summary('SHOULD')} ok, MAY ${summary('MAY')} ok` +
        failing.map((r) => `\n  ${r.status} ${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`).join(''),
    )
    expect(results.filter((r) => r.name.startsWith('MUST') && r.status !== 'ok')).toEqual([])
    expect(failing.map((r) => `${r.id} ${r.name}`)).toEqual([])
    await stillServing()
  })
})
