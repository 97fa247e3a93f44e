/**
 * The `/__mock/*` control API as a test sees it: plain fetch against a base URL, so the same
 * helpers drive the in-process mock (msw `setupServer`, e.g. http://mock.test) and the standalone
 * server (the spawned CLI's URL). Every call checks its status and returns the parsed body.
 */
import { expect } from 'vitest'
import type { Channel, FaultRule, OutboxMessage, RequestLogEntry } from '../../mocks/state/types'

export type { OutboxMessage, RequestLogEntry }

export interface OutboxFilter {
  to?: string
  channel?: Channel
  purpose?: string
}

/** `GET /__mock/clock`: the mock's time as ISO text and epoch milliseconds. */
export interface MockTime {
  now: string
  epochMs: number
}

export interface ControlClient {
  readonly base: string
  /** Any control route (`'GET', '/sessions?live=true'`): checks the status, resolves with the parsed body. */
  call<T>(method: string, path: string, body?: unknown): Promise<T>
  /** `GET /__mock/outbox` with the filters as query parameters. */
  outbox(filter?: OutboxFilter): Promise<OutboxMessage[]>
  /** The newest message matching the filter; fails the test when there is none. */
  lastMessage(filter?: OutboxFilter): Promise<OutboxMessage>
  /** The 6-digit code of the newest message matching the filter. */
  latestCode(filter: OutboxFilter): Promise<string>
  clearOutbox(): Promise<void>
  /** The mock clock in epoch milliseconds. */
  now(): Promise<number>
  /** `POST /__mock/clock {advanceMs}`; resolves with the new time in epoch milliseconds. */
  advanceClock(ms: number): Promise<number>
  setClock(now: number | string): Promise<number>
  /** `PUT /__mock/config` (deep merge); resolves with the whole config. */
  setConfig(patch: Record<string, unknown>): Promise<Record<string, any>>
  /** `POST /__mock/users`; resolves with the public user (201 expected). */
  createUser(input: Record<string, unknown>): Promise<Record<string, any> & { id: string }>
  requests(filter?: { path?: string; method?: string }): Promise<RequestLogEntry[]>
  /** `POST /__mock/faults`: the next matching requests fail as told. */
  fault(rule: FaultRule): Promise<void>
  reset(): Promise<void>
}

export function controlClient(base: string): ControlClient {
  async function call<T>(method: string, path: string, body?: unknown, query?: Record<string, string | undefined>): Promise<T> {
    const url = new URL(`${base}/__mock${path}`)
    for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(name, value)
    const response = await fetch(url, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    })
    const text = await response.text()
    expect(response.ok, `${method} /__mock${path} → ${response.status} ${text}`).toBe(true)
    return (text ? JSON.parse(text) : undefined) as T
  }

  const client: ControlClient = {
    base,
    call: (method, path, body) => call(method, path, body),
    outbox: async (filter = {}) => (await call<{ messages: OutboxMessage[] }>('GET', '/outbox', undefined, { ...filter })).messages,
    async lastMessage(filter = {}) {
      const last = (await client.outbox(filter)).at(-1)
      if (!last) throw new Error(`no outbox message for ${JSON.stringify(filter)}`)
      return last
    },
    async latestCode(filter) {
      const { code } = await client.lastMessage(filter)
      expect(code).toMatch(/^\d{6}$/)
      return code!
    },
    clearOutbox: () => call('DELETE', '/outbox'),
    now: async () => (await call<MockTime>('GET', '/clock')).epochMs,
    advanceClock: async (advanceMs) => (await call<MockTime>('POST', '/clock', { advanceMs })).epochMs,
    setClock: async (now) => (await call<MockTime>('POST', '/clock', { now })).epochMs,
    setConfig: (patch) => call('PUT', '/config', patch),
    createUser: (input) => call('POST', '/users', input),
    requests: async (filter = {}) => (await call<{ requests: RequestLogEntry[] }>('GET', '/requests', undefined, { ...filter })).requests,
    fault: async (rule) => void (await call('POST', '/faults', rule)),
    reset: () => call('POST', '/reset'),
  }
  return client
}

export interface TestUser {
  id: string
  email: string
  username: string
  password: string
}

let userCounter = 0

/** A fresh verified user with a unique email and username (`extra`: twoFactor, totpSecret ...). */
export async function createTestUser(control: ControlClient, extra: Record<string, unknown> = {}, prefix = 'user'): Promise<TestUser> {
  userCounter += 1
  const tag = `${Date.now().toString(36)}${userCounter}`
  const input = {
    email: `${prefix}${tag}@example.com`,
    username: `${prefix}${tag}`,
    password: 'correct-horse-1',
    firstName: 'Test',
    lastName: `User${userCounter}`,
    verified: true,
    ...extra,
  }
  const created = await control.createUser(input)
  return { id: created.id, email: input.email, username: input.username, password: input.password }
}
