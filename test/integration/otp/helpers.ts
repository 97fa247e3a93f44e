/**
 * In-process harness for the otp surface: the whole mock backend behind msw's `setupServer`, plain
 * `fetch` to http://mock.test, and every otp response checked against schema/openapi/otp.yaml by
 * the mock's own validator (a response that drifts from the spec fails the test).
 */
import { expect } from 'vitest'
import { createMockBackend, type MockBackend } from '../../../mocks/index'
import type { NewUser, User } from '../../../mocks/state/types'
import { serveMockInProcess } from '../../support/msw-mock'
import { controlClient, type OutboxFilter, type OutboxMessage } from '../../support/control'
import { assertMatchesSpec, type ApiResult } from '../../support/otp-spec'
import { totp } from '../../support/totp'

export { assertMatchesSpec, type ApiResult }

export const BASE = 'http://mock.test'
export const PASSWORD = 'correct horse battery staple'
export const UA = 'PortcullisTest/1.0 (vitest)'

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

/** The whole backend (otp is one of its default surfaces) on the frozen mock clock. */
export function createOtpMock(): MockBackend {
  return createMockBackend({ now: MOCK_EPOCH, frozenClock: true })
}

/** Starts msw around the file's tests; the backend is reset after each test. */
export function useOtpMock(): MockBackend {
  return serveMockInProcess(createOtpMock())
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

const control = controlClient(BASE)

/** The mock clock, read the way a test would: through the control API. */
export const mockNow = (): Promise<number> => control.now()

export const advanceClock = (ms: number): Promise<number> => control.advanceClock(ms)

export const outbox = (filter: OutboxFilter = {}): Promise<OutboxMessage[]> => control.outbox(filter)

export const lastMessage = (filter: OutboxFilter): Promise<OutboxMessage> => control.lastMessage(filter)

/** A TOTP code computed independently of the mock (test/support/totp.ts), at the mock's time (offset in 30 s steps). */
export async function totpCode(secret: string, stepOffset = 0): Promise<string> {
  return totp(secret, (await mockNow()) + stepOffset * 30_000)
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
