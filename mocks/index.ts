/**
 * `portcullis/mock`: the whole Portcullis backend in memory, as msw handlers plus the state behind
 * them. Creating it does nothing asynchronous: users are seeded on first use (await `ready()` to
 * read them before any request), the signing key on the first token.
 */
import { createHandlers, type MockHandler } from './handlers'
import { createMockCore, type MockBackendCore, type MockBackendOptions } from './mock-backend'

/** The in-process mock: its state and controls, plus msw handlers. */
export interface MockBackend extends MockBackendCore {
  /** Pass to `setupServer(...handlers)` / `setupWorker(...handlers)`. */
  handlers: MockHandler[]
}

/**
 * Creates the whole backend in memory with msw handlers for `setupServer` / `setupWorker`.
 *
 * @example
 * ```ts
 * const mock = createMockBackend()
 * const server = setupServer(...mock.handlers)
 * server.listen()
 * const code = mock.outbox.latest({ to: 'bob@example.com' })?.code
 * ```
 */
export function createMockBackend(options: MockBackendOptions = {}): MockBackend {
  const core = createMockCore(options)
  return { ...core, handlers: createHandlers(core.backend) }
}

export { createMockCore, type MockBackendCore, type MockBackendOptions } from './mock-backend'
export { createBackend, defaultSurfaces, JWKS_PATH, type Backend, type BackendOptions } from './backend'
export { createHandlers, MOCK_ROUTE_PATTERNS, type MockHandler } from './handlers'
export { DEMO_BACKUP_CODES, DEMO_PASSWORD, DEMO_TOTP_SECRET, demoSeed, demoUsers, type DemoUser } from './demo-users'
export { createBackendState, createClock, defaultConfig, MockInputError, type BackendStateInternals, type BackendStateOptions, type MockClock } from './state'
export type * from './state/types'
export type { BodyRead } from './validation/types'
export {
  createVirtualAuthenticator,
  type CallOptions as VirtualAuthenticatorCallOptions,
  type CredentialJSON,
  type VirtualAuthenticator,
  type VirtualAuthenticatorOptions,
  type VirtualCredential,
} from './webauthn/virtual-authenticator'
export { ACTIONS as ACCOUNTS_ACTIONS, createActionToken, type Action as AccountsAction } from './surfaces/accounts'
