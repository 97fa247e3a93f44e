/**
 * `portcullis/mock`: the whole Portcullis backend in memory, as msw handlers plus the state behind
 * them. Creating it does nothing asynchronous: users are seeded on first use (await `ready()` to
 * read them before any request), the signing key on the first token.
 */
import { createBackend, type Backend, type BackendOptions } from './backend'
import { createHandlers, type MockHandler } from './handlers'
import type { BackendStateInternals } from './state'
import type { MockClock } from './state/clock'
import type { MemoryFaultStore } from './state/faults'
import type { MemoryOutbox } from './state/outbox'
import type { MemoryRequestLog } from './state/request-log'
import type { BackendConfig, DeepPartial, NewUser } from './state/types'
import type { MemoryUserStore } from './state/users'

export interface MockBackendOptions {
  /** Seed users (restored by `reset`); default the demo users, `false` for none. */
  seed?: NewUser[] | false
  /** Settings merged over the defaults (and restored by `reset`). */
  config?: DeepPartial<BackendConfig>
  /** Start of the mock clock (default: now). The clock ticks with real time unless `frozenClock`. */
  now?: number | Date
  frozenClock?: boolean
  /** Told about unexpected exceptions (answered 500); default prints a redacted stack. */
  onError?: BackendOptions['onError']
  /** Browser origins besides loopback ones that may call the control API (see `BackendOptions.corsOrigins`). */
  corsOrigins?: readonly string[]
  /** Serve an existing backend (the other options are then ignored). */
  backend?: Backend
}

export interface MockBackend {
  /** Pass to `setupServer(...handlers)` / `setupWorker(...handlers)`. */
  handlers: MockHandler[]
  backend: Backend
  state: BackendStateInternals
  /** Resolves once the seed users exist. */
  ready(): Promise<void>
  /** Back to the seeded state (users, config, clock); keys are kept. */
  reset(): Promise<void>
  outbox: MemoryOutbox
  clock: MockClock
  users: MemoryUserStore
  /** Reads the config, or deep-merges `update` into it first (throws `MockInputError` on bad input). */
  config(update?: DeepPartial<BackendConfig>): BackendConfig
  faults: MemoryFaultStore
  requests: MemoryRequestLog
}

export function createMockBackend(options: MockBackendOptions = {}): MockBackend {
  const backend =
    options.backend ??
    createBackend({
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.config ? { config: options.config } : {}),
      ...(options.now !== undefined ? { now: options.now } : {}),
      ...(options.frozenClock !== undefined ? { frozenClock: options.frozenClock } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
      ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
    })
  const { state } = backend
  return {
    handlers: createHandlers(backend),
    backend,
    state,
    ready: () => backend.ready(),
    reset: () => backend.reset(),
    outbox: state.outbox,
    clock: state.clock,
    users: state.users,
    config: (update) => (update ? state.updateConfig(update) : state.config),
    faults: state.faults,
    requests: state.requests,
  }
}

export { createBackend, defaultSurfaces, JWKS_PATH, type Backend, type BackendOptions } from './backend'
export { createHandlers, MOCK_ROUTE_PATTERNS, type MockHandler } from './handlers'
export { DEMO_BACKUP_CODES, DEMO_PASSWORD, DEMO_TOTP_SECRET, demoSeed, demoUsers, type DemoUser } from './demo-users'
export { createBackendState, createClock, defaultConfig, MockInputError, type BackendStateInternals, type BackendStateOptions, type MockClock } from './state'
export type * from './state/types'
export {
  createVirtualAuthenticator,
  type CallOptions as VirtualAuthenticatorCallOptions,
  type CredentialJSON,
  type VirtualAuthenticator,
  type VirtualAuthenticatorOptions,
  type VirtualCredential,
} from './webauthn/virtual-authenticator'
export { ACTIONS as ACCOUNTS_ACTIONS, createActionToken, type Action as AccountsAction } from './surfaces/accounts'
