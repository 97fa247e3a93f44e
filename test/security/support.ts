/**
 * The security suite's harness: the whole mock in-process (msw `setupServer`) with a cheap password
 * hash (the attacks below make thousands of checks; the KDF's cost is not what is tested) and a
 * frozen clock, plus an attacker's view of it: raw GraphQL and REST calls, aliases included.
 * Every file ends by checking that nothing the attacks did was answered 5xx.
 */
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest'
import { createBackend, createMockBackend, DEMO_PASSWORD, type MockBackend } from '../../mocks'

export const BASE = 'http://mock.test'
export { DEMO_PASSWORD }
export const EPOCH = Date.UTC(2031, 4, 4, 10, 0, 5)
export const BOB = { email: 'bob@example.com', id: '00000000-0000-4000-8000-000000000b0b' }
export const ALICE = { email: 'alice@example.com', id: '00000000-0000-4000-8000-00000000a11c' }
export const CAROL = { email: 'carol@example.com' }

export interface GraphQLReply {
  status: number
  headers: Headers
  data: Record<string, unknown> | null | undefined
  errors: Array<{ message: string; path?: string[]; extensions: Record<string, unknown> }>
}

/** The mock behind `BASE`, reset before each test; `errors` collects anything the backend answered 500. */
export function useSecurityMock(): { mock: MockBackend; errors: unknown[] } {
  const errors: unknown[] = []
  const backend = createBackend({ passwordIterations: 1000, now: EPOCH, frozenClock: true, onError: (error) => errors.push(error) })
  const mock = createMockBackend({ backend })
  const server = setupServer(...mock.handlers)
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  beforeEach(async () => {
    await mock.reset()
  })
  afterEach(() => {
    // No 5xx anywhere: every refusal is a documented 4xx (or a GraphQL error).
    expect(errors).toEqual([])
    expect(mock.requests.list().filter((entry) => entry.status >= 500)).toEqual([])
  })
  afterAll(() => server.close())
  return { mock, errors }
}

export async function gql(query: string, variables: Record<string, unknown> = {}, options: { token?: string; headers?: Record<string, string> } = {}): Promise<GraphQLReply> {
  const response = await fetch(`${BASE}/api/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  })
  const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: GraphQLReply['errors'] }
  return { status: response.status, headers: response.headers, data: body.data, errors: body.errors ?? [] }
}

export async function rest(method: string, path: string, options: { json?: unknown; token?: string; otp?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: {
      ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.otp !== undefined ? { 'x-otp': options.otp } : {}),
      ...options.headers,
    },
    ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as Record<string, unknown> | null }
}

/** `PUT /__mock/config` as a test would send it. */
export async function setConfig(patch: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${BASE}/__mock/config`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) })
  expect(response.status).toBe(200)
}

/** The error codes of a reply, in order (one per field that failed). */
export const codes = (reply: GraphQLReply): unknown[] => reply.errors.map((error) => error.extensions['code'])

/** A code guaranteed to differ from `code`. */
export const wrongCode = (code: string | null | undefined): string => (code === '000000' ? '111111' : '000000')

/** Platform sign-in without 2FA (alice): the access and refresh tokens. */
export async function platformLogin(email: string, password = DEMO_PASSWORD): Promise<{ token: string; refreshToken: string }> {
  const reply = await gql('mutation($e:String,$p:String!){login(credentials:{email:$e,password:$p}){token refreshToken}}', { e: email, p: password })
  const login = reply.data?.['login'] as { token: string; refreshToken: string } | null | undefined
  if (!login?.token) throw new Error(`platform login failed: ${JSON.stringify(reply.errors)}`)
  return login
}

export async function otpLogin(email: string, password = DEMO_PASSWORD): Promise<{ idToken: string; refreshToken: string }> {
  const reply = await rest('POST', '/auth/login', { json: { email, password } })
  if (reply.status !== 200) throw new Error(`otp login failed: ${reply.status}`)
  return reply.body as { idToken: string; refreshToken: string }
}

/** The claims of a JWT (no verification: the mock verifies; tests read). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>
}
