/**
 * The mock backend and the state behind it, without msw: what the standalone server serves
 * (so `portcullis-mock` runs where msw is not installed) and what `createMockBackend` wraps with
 * its msw handler.
 */
import { createBackend, type Backend, type BackendOptions } from './backend'
import type { BackendStateInternals } from './state'
import type { MockClock } from './state/clock'
import type { MemoryFaultStore } from './state/faults'
import type { MemoryOutbox } from './state/outbox'
import type { MemoryRequestLog } from './state/request-log'
import type { BackendConfig, DeepPartial, NewUser } from './state/types'
import type { MemoryUserStore } from './state/users'

/** Options of `createMockBackend` / `createMockCore`: seed users, config, clock and password hashing. */
export interface MockBackendOptions {
  /** Seed users (restored by `reset`); default the demo users, `false` for none. */
  seed?: NewUser[] | false
  /** Settings merged over the defaults (and restored by `reset`). */
  config?: DeepPartial<BackendConfig>
  /** Start of the mock clock (default: now). The clock ticks with real time unless `frozenClock`. */
  now?: number | Date
  frozenClock?: boolean
  /**
   * PBKDF2 iterations for password hashes (default 20,000, a realistic cost: ~5–10 ms per
   * sign-in, seeded user or created user). Lower it for load tests, where it would otherwise
   * cap sign-ins at a few hundred per second per core; hashes keep their own count, so the
   * setting applies to new hashes only.
   */
  passwordIterations?: number
  /** Told about unexpected exceptions (answered 500); default prints a redacted stack. */
  onError?: BackendOptions['onError']
  /** Browser origins besides loopback ones that may call the control API (see `BackendOptions.corsOrigins`). */
  corsOrigins?: readonly string[]
  /** Serve an existing backend (the other options are then ignored). */
  backend?: Backend
}

/** The mock backend without its msw handler (see `MockBackend`). */
export interface MockBackendCore {
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

/** The mock backend without msw (what the standalone server serves): state, controls and `backend.handle`. */
export function createMockCore(options: MockBackendOptions = {}): MockBackendCore {
  const backend =
    options.backend ??
    createBackend({
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.config ? { config: options.config } : {}),
      ...(options.now !== undefined ? { now: options.now } : {}),
      ...(options.frozenClock !== undefined ? { frozenClock: options.frozenClock } : {}),
      ...(options.passwordIterations !== undefined ? { passwordIterations: options.passwordIterations } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
      ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
    })
  const { state } = backend
  return {
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
