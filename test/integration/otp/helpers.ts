/**
 * In-process harness for the otp surface: the whole mock backend behind msw's `setupServer`, plain
 * `fetch` to http://mock.test, and every otp response checked against schema/openapi/otp.yaml by
 * the mock's own validator (a response that drifts from the spec fails the test).
 */
import { setupServer } from 'msw/node'
import { Secret, TOTP } from 'otpauth'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { createBackend, createMockBackend, defaultSurfaces, type MockBackend } from '../../../mocks/index'
import type { NewUser, OutboxMessage, User } from '../../../mocks/state/types'
import { otpSurface, otpValidator } from '../../../mocks/surfaces/otp'

export const BASE = 'http://mock.test'
export const PASSWORD = 'correct horse battery staple'
export const UA = 'PortcullisTest/1.0 (vitest)'

export interface ApiResult<T = any> {
  status: number
  body: T
  headers: Headers
}

export interface CallOptions {
  /** JSON-encoded unless `raw` is given. */
  json?: unknown
  /** Sent as is (string, bytes or stream) with `contentType`, default application/json. */
  raw?: BodyInit
  contentType?: string | null
  token?: string | null
  otp?: string
  headers?: Record<string, string>
}

/** Every response of the otp API is validated against the spec; returns the parsed body. */
export async function assertMatchesSpec(method: string, url: string, response: Response): Promise<ApiResult> {
  const text = await response.text()
  const contentType = response.headers.get('content-type')
  let body: unknown = text === '' ? undefined : text
  if (text !== '' && contentType?.includes('json')) body = JSON.parse(text)
  const pathname = new URL(url).pathname
  const route = otpValidator.match(method, pathname)
  if (route.kind === 'found') {
    const result = otpValidator.validateResponse(route.operation, response.status, body, { contentType })
    if (!result.ok) {
      throw new Error(`spec drift: ${method} ${pathname} → ${response.status} ${text.slice(0, 500)}\n${JSON.stringify(result.issues, null, 2)}`)
    }
  } else {
    // Outside the documented operations (404 / 405) the body is still an ErrorBody.
    const result = otpValidator.validateSchema('/components/schemas/ErrorBody', body, 'body')
    if (!result.ok) throw new Error(`spec drift: ${method} ${pathname} → ${response.status}: ${JSON.stringify(result.issues)}`)
  }
  return { status: response.status, body, headers: response.headers }
}

export async function call(method: string, path: string, options: CallOptions = {}): Promise<ApiResult> {
  const headers = new Headers(options.headers)
  if (!headers.has('user-agent')) headers.set('user-agent', UA)
  let body: BodyInit | undefined
  if (options.raw !== undefined) {
    body = options.raw
    if (options.contentType !== null) headers.set('content-type', options.contentType ?? 'application/json')
  } else if (options.json !== undefined) {
    body = JSON.stringify(options.json)
    if (options.contentType !== null) headers.set('content-type', options.contentType ?? 'application/json')
  }
  if (options.token) headers.set('authorization', `Bearer ${options.token}`)
  if (options.otp !== undefined) headers.set('x-otp', options.otp)
  const url = `${BASE}${path}`
  const init: RequestInit & { duplex?: 'half' } = { method, headers, body }
  if (body instanceof ReadableStream) init.duplex = 'half'
  const response = await fetch(url, init)
  return assertMatchesSpec(method, url, response)
}

/**
 * A fixed mock time far from the real one, with the clock frozen: a TOTP code only matches when the
 * backend reads the mock clock, and no 30-second step boundary passes in the middle of a test.
 */
export const MOCK_EPOCH = Date.parse('2031-05-04T10:00:05.000Z')

/** The backend with the otp surface registered (added here while `defaultSurfaces` lacks it). */
export function createOtpMock(): MockBackend {
  const clock = { now: MOCK_EPOCH, frozenClock: true }
  if (defaultSurfaces.some((surface) => surface.name === 'otp')) return createMockBackend(clock)
  return createMockBackend({ backend: createBackend({ ...clock, surfaces: [...defaultSurfaces, otpSurface] }) })
}

/** Starts msw around the file's tests; the backend is reset after each test. */
export function useOtpMock(): MockBackend {
  const mock = createOtpMock()
  const server = setupServer(...mock.handlers)
  beforeAll(async () => {
    server.listen({ onUnhandledRequest: 'error' })
    await mock.ready()
  })
  afterEach(async () => {
    server.resetHandlers()
    await mock.reset()
  })
  afterAll(() => server.close())
  return mock
}

let counter = 0
export async function createUser(mock: MockBackend, input: Partial<NewUser> = {}): Promise<User> {
  counter += 1
  return mock.state.users.create({ email: `user${counter}.${Date.now()}@example.com`, password: PASSWORD, verified: true, ...input })
}

export async function login(email: string, password = PASSWORD): Promise<{ idToken: string; refreshToken: string }> {
  const r = await call('POST', '/auth/login', { json: { email, password } })
  expect(r.status).toBe(200)
  return r.body
}

/** A fresh user, signed in. */
export async function signedInUser(mock: MockBackend, input: Partial<NewUser> = {}): Promise<{ user: User; idToken: string; refreshToken: string }> {
  const user = await createUser(mock, input)
  const tokens = await login(user.email!)
  return { user, ...tokens }
}

/** The mock clock, read the way a test would: through the control API. */
export async function mockNow(): Promise<number> {
  const r = await fetch(`${BASE}/__mock/clock`)
  const body = (await r.json()) as { epochMs: number }
  return body.epochMs
}

export async function advanceClock(ms: number): Promise<number> {
  const r = await fetch(`${BASE}/__mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: ms }) })
  expect(r.status).toBe(200)
  return ((await r.json()) as { epochMs: number }).epochMs
}

export async function outbox(filter: { to?: string; channel?: 'email' | 'sms' } = {}): Promise<OutboxMessage[]> {
  const query = new URLSearchParams(filter as Record<string, string>).toString()
  const r = await fetch(`${BASE}/__mock/outbox${query ? `?${query}` : ''}`)
  expect(r.status).toBe(200)
  return ((await r.json()) as { messages: OutboxMessage[] }).messages
}

export async function lastMessage(filter: { to?: string; channel?: 'email' | 'sms' }): Promise<OutboxMessage> {
  const messages = await outbox(filter)
  const last = messages[messages.length - 1]
  if (!last) throw new Error(`no message for ${JSON.stringify(filter)}`)
  return last
}

/** A TOTP code computed independently of the mock, at the mock's time (offset in 30 s steps). */
export async function totpCode(secret: string, stepOffset = 0): Promise<string> {
  const now = await mockNow()
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: now + stepOffset * 30_000 })
}

/** A six-digit code guaranteed to differ from `code`. */
export function otherCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0')
}

export function expectError(r: ApiResult, status: number, code: string | null, message?: string): void {
  expect(r.status, JSON.stringify(r.body)).toBe(status)
  if (code !== null) expect(r.body.code).toBe(code)
  if (message !== undefined) expect(r.body.message).toBe(message)
}
