/**
 * Harness for AuthClient ⇄ mock backend tests: the whole backend in-process behind msw at
 * http://mock.test, and the /__mock control API (users, outbox, clock, faults, request log) over
 * plain fetch, exactly as an app's test suite would script it.
 */
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest'
import { createBackend, createMockBackend, defaultSurfaces, type MockBackend } from '../../../mocks/index'
import { otpSurface } from '../../../mocks/surfaces/otp/index'

export const BASE = 'http://mock.test'

/** The default surfaces, plus otp while the backend does not register it by default yet. */
const surfaces = defaultSurfaces.some((s) => s.name === otpSurface.name) ? defaultSurfaces : [...defaultSurfaces, otpSurface]

export function useMockBackend(): MockBackend {
  const mock = createMockBackend({ backend: createBackend({ surfaces, onError: () => {} }) })
  const server = setupServer(...mock.handlers)
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  beforeEach(async () => {
    const response = await fetch(`${BASE}/__mock/reset`, { method: 'POST' })
    expect(response.ok).toBe(true)
  })
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())
  return mock
}

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${BASE}/__mock${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
  const text = await response.text()
  expect(response.ok, `${method} /__mock${path}: ${response.status} ${text}`).toBe(true)
  return (text ? JSON.parse(text) : undefined) as T
}

let counter = 0

export interface TestUser {
  id: string
  email: string
  username: string
  password: string
}

/** A fresh verified user through `POST /__mock/users` (any extra fields: twoFactor, totpSecret ...). */
export async function createUser(extra: Record<string, unknown> = {}): Promise<TestUser> {
  counter += 1
  const tag = `${Date.now().toString(36)}${counter}`
  const input = { email: `ac${tag}@example.com`, username: `ac${tag}`, password: 'correct-horse-1', firstName: 'Auth', lastName: 'Client', verified: true, ...extra }
  const created = await control<{ id: string }>('POST', '/users', input)
  return { id: created.id, email: input.email, username: input.username, password: input.password }
}

export interface OutboxMessage {
  channel: 'email' | 'sms'
  to: string
  purpose: string
  code: string | null
}

export async function outbox(to: string): Promise<OutboxMessage[]> {
  return (await control<{ messages: OutboxMessage[] }>('GET', `/outbox?to=${encodeURIComponent(to)}`)).messages
}

/** The code of the newest message to `to` (with `purpose` when given). */
export async function latestCode(to: string, purpose?: string): Promise<string> {
  const messages = (await outbox(to)).filter((m) => !purpose || m.purpose === purpose)
  const code = messages.at(-1)?.code
  expect(code, `no code sent to ${to}`).toMatch(/^\d{6}$/)
  return code!
}

export const wrongCode = (code: string): string => (code === '000000' ? '111111' : '000000')

/** Moves the mock clock; answers `{ now: ISO string, epochMs }`. */
export const advanceClock = (advanceMs: number): Promise<{ now: string; epochMs: number }> => control('POST', '/clock', { advanceMs })

export const injectFault = (fault: { path: string; method?: string; operationName?: string; status?: number; networkError?: boolean; delayMs?: number; times?: number }) =>
  control('POST', '/faults', fault)

export const setConfig = (patch: Record<string, unknown>) => control('PUT', '/config', patch)

export interface LoggedRequest {
  method: string
  path: string
  operationName: string | null
  status: number
  at: string
}

export async function requests(): Promise<LoggedRequest[]> {
  return (await control<{ requests: LoggedRequest[] }>('GET', '/requests')).requests
}

/** The refresh calls the backend received (status 0: failed at the network by a fault), per surface. */
export async function refreshRequests(surface: 'platform' | 'otp'): Promise<LoggedRequest[]> {
  const log = await requests()
  return surface === 'otp'
    ? log.filter((r) => r.method === 'POST' && r.path === '/auth/login/refresh')
    : log.filter((r) => r.path === '/api/graphql' && r.operationName === 'NewToken')
}

/** How many refresh calls the backend received, per surface. */
export const refreshCount = async (surface: 'platform' | 'otp'): Promise<number> => (await refreshRequests(surface)).length

/** A Storage-like object two clients can share (what `localStorage` is to two tabs). */
export function sharedStorage(): { getItem(k: string): string | null; setItem(k: string, v: string): void; removeItem(k: string): void; items: Map<string, string> } {
  const items = new Map<string, string>()
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  }
}

/** Waits until `check` passes (for cross-client notifications that arrive asynchronously). */
export async function eventually(check: () => unknown | Promise<unknown>, timeoutMs = 2_000): Promise<void> {
  const start = Date.now()
  for (;;) {
    try {
      await check()
      return
    } catch (error) {
      if (Date.now() - start > timeoutMs) throw error
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }
}

/**
 * A minimal `navigator.locks` (exclusive, FIFO per name), as browsers provide: Node 20 has no
 * Web Locks, so two clients in one process only coordinate refreshes with this installed.
 * Returns the uninstaller.
 */
export function installWebLocks(): () => void {
  const previous = Object.getOwnPropertyDescriptor(globalThis, 'navigator')
  const tails = new Map<string, Promise<unknown>>()
  const locks = {
    request<T>(name: string, _options: unknown, task: () => Promise<T>): Promise<T> {
      const run = (tails.get(name) ?? Promise.resolve()).then(task)
      tails.set(name, run.catch(() => {}))
      return run
    },
  }
  Object.defineProperty(globalThis, 'navigator', { value: { ...(previous?.value ?? {}), locks }, configurable: true, writable: true })
  return () => {
    if (previous) Object.defineProperty(globalThis, 'navigator', previous)
    else delete (globalThis as { navigator?: unknown }).navigator
  }
}
