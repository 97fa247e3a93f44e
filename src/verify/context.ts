/**
 * What a scenario works with: the backend, the account it signs in with, where second-factor
 * codes come from, and (against the reference mock only) the mock's control API.
 */
import type { FetchLike } from '../core/types'
import type { Findings } from './probe'

/** The backend's APIs, as `verify()` names them (accounts' relay schema counts on its own). */
export type SurfaceName = 'platform' | 'otp' | 'accounts' | 'accounts-relay' | 'experience'
export const SURFACES: readonly SurfaceName[] = ['platform', 'otp', 'accounts', 'accounts-relay', 'experience']

/** An account to sign in with. */
export interface Account {
  email: string
  username?: string | undefined
  password: string
}

/** What a code source is asked for: the code just sent (or shown by an authenticator) for `email`. */
export interface CodeRequest {
  surface: SurfaceName
  /** `sign_in_2fa` for a sign-in's second factor. */
  purpose: string
  email: string
}

/** Where second-factor codes come from: the mock's outbox, a TOTP secret, or a command (see the CLI). */
export type CodeSource = (request: CodeRequest) => Promise<string>

/** The reference mock's control API (`/__mock/*`), present only when the base URL is the mock. */
export interface MockControl {
  createUser(input: Record<string, unknown>): Promise<Account>
  latestCode(email: string): Promise<string>
  advanceClock(ms: number): Promise<void>
  /** The mock's clock (epoch ms): what its TOTP checks read. */
  now(): Promise<number>
  config(): Promise<Record<string, unknown>>
  setConfig(patch: Record<string, unknown>): Promise<void>
}

export interface ScenarioContext {
  baseUrl: string
  fetch: FetchLike
  findings: Findings
  /** The account for this scenario: a fresh user on the mock, the configured one elsewhere. */
  account(extra?: { twoFactor?: boolean; totpSecret?: string }): Promise<Account>
  code: CodeSource
  mock: MockControl | null
  url(path: string): string
}

export interface Scenario {
  surface: SurfaceName
  name: string
  /**
   * `writes`: changes data or settings (creates a user, enables a factor): runs against the mock
   * or with `allowWrites`. `mock`: needs the mock's control API (its clock, say): mock only.
   */
  needs?: 'writes' | 'mock'
  run(context: ScenarioContext): Promise<void>
}

/** The control API of the mock at `baseUrl`, or null when `baseUrl` is not the reference mock. */
export async function detectMock(baseUrl: string, fetchFn: FetchLike): Promise<MockControl | null> {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetchFn(`${baseUrl}/__mock${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    if (!response.ok) throw new Error(`mock control ${method} /__mock${path}: status ${response.status}`)
    return (await response.json()) as T
  }
  try {
    await call('GET', '/config')
  } catch {
    return null
  }
  let serial = 0
  return {
    async createUser(input) {
      const tag = `${Date.now().toString(36)}${(serial++).toString(36)}${Math.random().toString(36).slice(2, 6)}`
      const account = { email: `verify-${tag}@example.com`, username: `verify_${tag}`, password: 'Verify-passw0rd!' }
      await call('POST', '/users', { ...account, verified: true, ...input })
      return account
    },
    async latestCode(email) {
      const { messages } = await call<{ messages: Array<{ code?: string | null }> }>('GET', `/outbox?to=${encodeURIComponent(email)}`)
      const code = messages.at(-1)?.code
      if (!code) throw new Error(`no code in the mock's outbox for ${email}`)
      return code
    },
    async advanceClock(advanceMs) {
      await call('POST', '/clock', { advanceMs })
    },
    now: async () => (await call<{ epochMs: number }>('GET', '/clock')).epochMs,
    config: () => call('GET', '/config'),
    async setConfig(patch) {
      await call('PUT', '/config', patch)
    },
  }
}
