/**
 * Harness for AuthClient ⇄ mock backend tests: the whole backend in-process behind msw at
 * http://mock.test, and the /__mock control API (users, outbox, clock, faults, request log) over
 * plain fetch, exactly as an app's test suite would script it.
 */
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { createBackend, createMockBackend, type MockBackend } from '../../../mocks/index'
import type { FaultRule, OutboxMessage, RequestLogEntry } from '../../../mocks/state/types'
import { controlClient, createTestUser, type TestUser } from '../../support/control'

export const BASE = 'http://mock.test'
const control = controlClient(BASE)

export function useMockBackend(): MockBackend {
  const mock = createMockBackend({ backend: createBackend({ onError: () => {} }) })
  const server = setupServer(...mock.handlers)
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  beforeEach(() => control.reset())
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())
  return mock
}

export type { OutboxMessage, TestUser }

/** A fresh verified user through `POST /__mock/users` (any extra fields: twoFactor, totpSecret ...). */
export const createUser = (extra: Record<string, unknown> = {}): Promise<TestUser> => createTestUser(control, extra, 'ac')

export const outbox = (to: string): Promise<OutboxMessage[]> => control.outbox({ to })

/** The code of the newest message to `to` (with `purpose` when given). */
export const latestCode = (to: string, purpose?: string): Promise<string> => control.latestCode(purpose ? { to, purpose } : { to })

export const wrongCode = (code: string): string => (code === '000000' ? '111111' : '000000')

/** Moves the mock clock; resolves with the new time in epoch milliseconds. */
export const advanceClock = (advanceMs: number): Promise<number> => control.advanceClock(advanceMs)

export const injectFault = (fault: FaultRule): Promise<void> => control.fault(fault)

export const setConfig = (patch: Record<string, unknown>): Promise<unknown> => control.setConfig(patch)

export type LoggedRequest = RequestLogEntry

export const requests = (): Promise<LoggedRequest[]> => control.requests()

export type SurfaceName = 'platform' | 'otp' | 'accounts' | 'accounts-relay'

const REFRESH_CALLS: Record<SurfaceName, (r: LoggedRequest) => boolean> = {
  platform: (r) => r.path === '/api/graphql' && r.operationName === 'NewToken',
  otp: (r) => r.method === 'POST' && r.path === '/auth/login/refresh',
  accounts: (r) => r.path === '/graphql' && r.operationName === 'RefreshToken',
  'accounts-relay': (r) => r.path === '/graphql/relay' && r.operationName === 'RefreshTokenRelay',
}

/** The refresh calls the backend received (status 0: failed at the network by a fault), per surface. */
export async function refreshRequests(surface: SurfaceName): Promise<LoggedRequest[]> {
  return (await requests()).filter(REFRESH_CALLS[surface])
}

/** How many refresh calls the backend received, per surface. */
export const refreshCount = async (surface: SurfaceName): Promise<number> => (await refreshRequests(surface)).length

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
