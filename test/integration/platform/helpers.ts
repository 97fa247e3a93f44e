/**
 * Shared harness for the platform surface tests: the whole mock backend in-process behind msw,
 * plain fetch against http://mock.test, the generated operation documents, and the /__mock
 * control API for users, outbox and clock.
 */
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, beforeEach, expect } from 'vitest'
import { createMockBackend } from '../../../mocks/index'
import { controlClient, createTestUser, type OutboxMessage, type TestUser } from '../../support/control'
import {
  LoginDocument,
  type LoginMutation,
  type TypedDocumentString,
} from '../../../src/generated/platform/graphql'

export const BASE = 'http://mock.test'
export const ENDPOINT = `${BASE}/api/graphql`
const control = controlClient(BASE)
/** What a GraphQL-over-HTTP client such as graphql-request sends. */
export const ACCEPT = 'application/graphql-response+json, application/json'

export interface GraphQLErrorBody {
  message: string
  path?: Array<string | number>
  locations?: Array<{ line: number; column: number }>
  extensions?: { code?: string; attemptsLeft?: number; reason?: string; field?: string; [key: string]: unknown }
}

export interface GraphQLReply<T> {
  status: number
  contentType: string | null
  body: { data?: T | null; errors?: GraphQLErrorBody[] }
}

export function usePlatformMock(): ReturnType<typeof createMockBackend> {
  const backend = createMockBackend()
  const server = setupServer(...backend.handlers)
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  beforeEach(async () => {
    const res = await fetch(`${BASE}/__mock/reset`, { method: 'POST' })
    expect(res.ok).toBe(true)
  })
  afterAll(() => server.close())
  return backend
}

type Doc<TResult, TVariables> = TypedDocumentString<TResult, TVariables> | string

export async function gql<TResult = Record<string, unknown>, TVariables = Record<string, unknown>>(
  document: Doc<TResult, TVariables>,
  variables?: TVariables,
  options: { token?: string | null; accept?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLReply<TResult>> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: options.accept ?? ACCEPT,
    ...options.headers,
  }
  if (options.token) headers['authorization'] = `Bearer ${options.token}`
  const res = await fetch(ENDPOINT, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: String(document), ...(variables === undefined ? {} : { variables }) }),
  })
  const text = await res.text()
  return { status: res.status, contentType: res.headers.get('content-type'), body: text ? JSON.parse(text) : {} }
}

/** Asserts a field-level GraphQL error with the given code (HTTP 200, `data.<field>` null) and returns it. */
export function expectFieldError<T>(reply: GraphQLReply<T>, field: string, code: string): GraphQLErrorBody {
  expect(reply.status).toBe(200)
  expect(reply.body.errors, JSON.stringify(reply.body)).toHaveLength(1)
  const error = reply.body.errors![0]!
  expect(error.extensions?.code, JSON.stringify(error)).toBe(code)
  expect(error.path).toEqual([field])
  expect(typeof error.message).toBe('string')
  expect(error.message.length).toBeGreaterThan(0)
  expect((reply.body.data as Record<string, unknown> | null | undefined)?.[field] ?? null).toBeNull()
  return error
}

/** Asserts a request error: 4xx, `errors`, no `data`. */
export function expectRequestError<T>(reply: GraphQLReply<T>, status = 400): GraphQLErrorBody[] {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status)
  expect(reply.body).not.toHaveProperty('data')
  expect(reply.body.errors?.length).toBeGreaterThan(0)
  return reply.body.errors!
}

export type { TestUser }

/** A fresh verified user through `POST /__mock/users`. */
export const createUser = (overrides: Record<string, unknown> = {}): Promise<TestUser> => createTestUser(control, overrides)

export type { OutboxMessage }

export const outbox = (to?: string): Promise<OutboxMessage[]> => control.outbox(to ? { to } : {})

/** The code of the newest message for `to` with `purpose`. */
export const latestCode = (to: string, purpose: string): Promise<string> => control.latestCode({ to, purpose })

/** Advances the mock clock; resolves with the new time in epoch milliseconds. */
export const advanceClock = (ms: number): Promise<number> => control.advanceClock(ms)

export async function setConfig(patch: Record<string, unknown>): Promise<void> {
  await control.setConfig(patch)
}

/** A code guaranteed to differ from `code`. */
export function wrongCode(code: string): string {
  return code === '000000' ? '111111' : '000000'
}

export type LoginResult = NonNullable<LoginMutation['login']>

/** Logs a non-2FA user in and returns the full LoginResult. */
export async function login(user: Pick<TestUser, 'email' | 'password'>, deviceId?: string): Promise<LoginResult> {
  const reply = await gql(LoginDocument, {
    credentials: { email: user.email, password: user.password, ...(deviceId ? { deviceInfo: { deviceId } } : {}) },
  })
  expect(reply.body.errors, JSON.stringify(reply.body.errors)).toBeUndefined()
  const result = reply.body.data!.login!
  expect(result.token).toBeTruthy()
  return result
}

/** Starts a 2FA login; returns the pending sessionId and the emailed code. */
export async function startTwoFactorLogin(user: Pick<TestUser, 'email' | 'password'>): Promise<{ sessionId: string; code: string }> {
  const reply = await gql(LoginDocument, { credentials: { email: user.email, password: user.password } })
  expect(reply.body.errors).toBeUndefined()
  const result = reply.body.data!.login!
  expect(result.promptTwoFactorAuth).toBe(true)
  return { sessionId: result.sessionId!, code: await latestCode(user.email, 'platform.login_2fa') }
}
