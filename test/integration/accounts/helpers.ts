/**
 * Harness for the accounts surface: the whole mock in-process behind msw at http://mock.test, and
 * one way to call any accounts operation in either flavour. `accounts('classic')` posts the
 * generated classic document (`TokenAuthDocument`, arguments as variables) to /graphql;
 * `accounts('relay')` posts the generated relay one (`TokenAuthRelayDocument`, arguments in
 * `input` with a `clientMutationId`) to /graphql/relay and checks the id comes back. A suite
 * written against this runs unchanged over both endpoints.
 */
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest'
import { createBackend } from '../../../mocks/backend'
import { createMockBackend, type MockBackend } from '../../../mocks/index'
import * as classicDocs from '../../../src/generated/accounts/graphql'
import * as relayDocs from '../../../src/generated/accounts-relay/graphql'
import { controlClient, createTestUser, type TestUser } from '../../support/control'

export const BASE = 'http://mock.test'
export const control = controlClient(BASE)
export type Flavour = 'classic' | 'relay'
export const FLAVOURS: Flavour[] = ['classic', 'relay']
export const PATHS: Record<Flavour, string> = { classic: '/graphql', relay: '/graphql/relay' }

export interface ErrorEntry {
  message: string
  code: string
}
export interface Output {
  success: boolean
  errors: Record<string, ErrorEntry[]> | null
  [field: string]: unknown
}
export interface Reply {
  status: number
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; path?: string[]; extensions?: { code?: string } }> }
}

/** Unexpected exceptions in the mock fail the test that caused them. */
const crashes: unknown[] = []

export function useAccountsMock(): MockBackend {
  // A lower hash cost: these suites hash hundreds of passwords; every assertion stays.
  const mock = createMockBackend({ backend: createBackend({ passwordIterations: 1_000, onError: (error) => void crashes.push(error) }) })
  const server = setupServer(...mock.handlers)
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  beforeEach(async () => {
    crashes.length = 0
    await control.reset()
  })
  afterEach(() => expect(crashes).toEqual([]))
  afterAll(() => server.close())
  return mock
}

export interface CallOptions {
  /** Sent as `Authorization: JWT <token>`. */
  token?: string
  headers?: Record<string, string>
}

export async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const response = await fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Reply['body'] }
}

const capital = (name: string) => name[0]!.toUpperCase() + name.slice(1)

export interface AccountsApi {
  flavour: Flavour
  path: string
  /** Runs a mutation (generated document of this flavour) and returns its output (`data.<field>`). */
  mutate(field: string, args: Record<string, unknown>, options?: CallOptions): Promise<Output>
  /** The raw reply of a mutation, for top-level errors. */
  mutateRaw(field: string, args: Record<string, unknown>, options?: CallOptions): Promise<Reply>
  /** Runs a query (the same Query type in both schemas) at this flavour's endpoint. */
  query(query: string, variables?: Record<string, unknown>, options?: CallOptions): Promise<Reply>
}

let mutationId = 0

export function accounts(flavour: Flavour): AccountsApi {
  const path = PATHS[flavour]
  const headersOf = (options: CallOptions = {}) => ({ ...(options.token ? { authorization: `JWT ${options.token}` } : {}), ...options.headers })
  const api: AccountsApi = {
    flavour,
    path,
    async mutateRaw(field, args, options) {
      const name = capital(field)
      if (flavour === 'classic') {
        const document = (classicDocs as Record<string, unknown>)[`${name}Document`]
        expect(document, `no ${name}Document`).toBeDefined()
        return post(path, { query: String(document), variables: args }, headersOf(options))
      }
      const document = (relayDocs as Record<string, unknown>)[`${name}RelayDocument`]
      expect(document, `no ${name}RelayDocument`).toBeDefined()
      return post(path, { query: String(document), variables: { input: { ...args, clientMutationId: `m${++mutationId}` } } }, headersOf(options))
    },
    async mutate(field, args, options) {
      const reply = await api.mutateRaw(field, args, options)
      expect(reply.status, JSON.stringify(reply.body)).toBe(200)
      expect(reply.body.errors, JSON.stringify(reply.body.errors)).toBeUndefined()
      const output = reply.body.data?.[field] as (Output & { clientMutationId?: string }) | null
      expect(output).toBeTruthy()
      if (flavour === 'relay') expect(output!.clientMutationId).toBe(`m${mutationId}`)
      return output!
    },
    query: (query, variables = {}, options) => post(path, { query, variables }, headersOf(options)),
  }
  return api
}

/** Asserts `success: false` with exactly these `{ field: [codes] }`, and returns the errors. */
export function expectErrors(output: Output, expected: Record<string, string[]>): Record<string, ErrorEntry[]> {
  expect(output.success, JSON.stringify(output)).toBe(false)
  const codes = Object.fromEntries(Object.entries(output.errors ?? {}).map(([field, entries]) => [field, entries.map((e) => e.code)]))
  expect(codes).toEqual(expected)
  return output.errors!
}

export function expectSuccess(output: Output): void {
  expect(output.errors, JSON.stringify(output.errors)).toBeNull()
  expect(output.success).toBe(true)
}

export const PASSWORD = 'correct-horse-1'
export const NEW_PASSWORD = 'Battery-Staple-42'

export const createUser = (extra: Record<string, unknown> = {}): Promise<TestUser> => createTestUser(control, extra, 'acc')

/** Signs in (tokenAuth by username) and returns the output with its tokens. */
export async function signIn(api: AccountsApi, user: { username: string; password?: string }): Promise<{ token: string; refreshToken: string; output: Output }> {
  const output = await api.mutate('tokenAuth', { username: user.username, password: user.password ?? PASSWORD })
  expectSuccess(output)
  return { token: output['token'] as string, refreshToken: output['refreshToken'] as string, output }
}

/** The token of the newest mail to `to` (with `purpose`, e.g. `accounts.activation`). */
export async function mailedToken(to: string, purpose?: string): Promise<string> {
  const message = await control.lastMessage({ to, ...(purpose ? { purpose } : {}) })
  expect(message.channel).toBe('email')
  expect(message.token).toBeTruthy()
  expect(message.body).toContain(message.token!)
  return message.token!
}

export const DAY = 86_400_000
