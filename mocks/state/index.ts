import { createClock, type MockClock } from './clock'
import { MemoryCodeStore } from './codes'
import { defaultConfig, replaceConfig, updateConfig } from './config'
import { MemoryFaultStore } from './faults'
import { MemoryOutbox } from './outbox'
import { PASSWORD_ITERATIONS } from './passwords'
import { Limits } from './limits'
import { RateLimiter } from './rate-limit'
import { MemoryRequestLog } from './request-log'
import { Scratch } from './scratch'
import { MemoryTokenService } from './tokens'
import type { BackendConfig, DeepPartial, MockBackendState, NewUser } from './types'
import { MemoryUserStore, type UserStoreSnapshot } from './users'

/** Options of `createBackendState`: seed users, config, clock and password hashing. */
export interface BackendStateOptions {
  /** Users created on first use and restored by `reset` (default none; `createBackend` passes the demo users). */
  seed?: NewUser[]
  /** Merged over the defaults; also what `reset` restores. Throws `MockInputError` when invalid. */
  config?: DeepPartial<BackendConfig>
  /** Start of the mock clock (default: real time). */
  now?: number | Date
  /** Freeze the clock so it only moves through `advance`/`set` (default: it ticks with real time). */
  frozenClock?: boolean
  /** Use this clock instead of creating one. */
  clock?: MockClock
  /** PBKDF2 iterations for new hashes (default `PASSWORD_ITERATIONS`). */
  passwordIterations?: number
}

export interface BackendStateInternals extends MockBackendState {
  clock: MockClock
  users: MemoryUserStore
  codes: MemoryCodeStore
  outbox: MemoryOutbox
  tokens: MemoryTokenService
  requests: MemoryRequestLog
  faults: MemoryFaultStore
  limits: Limits
}

/**
 * The one store behind all four surfaces. Nothing async happens here: seed users are hashed on
 * the first `ready()` (every backend entry point awaits it), keys on the first token.
 */
export function createBackendState(options: BackendStateOptions = {}): BackendStateInternals {
  const clock = options.clock ?? createClock(options.now, { frozen: options.frozenClock ?? false })
  const initialConfig = updateConfig(defaultConfig(), options.config ?? {})
  const config = structuredClone(initialConfig)
  const users = new MemoryUserStore(clock, options.passwordIterations ?? PASSWORD_ITERATIONS)
  const codes = new MemoryCodeStore(clock)
  const outbox = new MemoryOutbox(clock, () => config.limits.outboxMessages)
  const tokens = new MemoryTokenService(clock, () => config)
  const requests = new MemoryRequestLog(clock, () => config.limits.requestLogEntries)
  const faults = new MemoryFaultStore(() => config.limits.faultRules)
  const limiter = new RateLimiter(clock)
  const limits = new Limits(clock, () => config.limits)
  const scratch = new Scratch()
  const seed = structuredClone(options.seed ?? [])

  let seeded: Promise<UserStoreSnapshot> | undefined
  const seedOnce = (): Promise<UserStoreSnapshot> => {
    seeded ??= (async () => {
      // One at a time, so primary keys follow the seed's order.
      for (const user of seed) await users.create(user)
      return users.snapshot()
    })()
    return seeded
  }

  return {
    clock,
    config,
    users,
    codes,
    outbox,
    tokens,
    requests,
    faults,
    limits,
    rateLimit: (key, limit, windowMs) => limiter.hit(key, limit, windowMs),
    scratch: (name, create) => scratch.get(name, create),
    updateConfig: (patch) => updateConfig(config, patch),
    async ready() {
      await seedOnce()
    },
    async reset() {
      const snapshot = await seedOnce()
      users.restore(snapshot)
      codes.clear()
      outbox.clear()
      tokens.clear()
      requests.clear()
      faults.clear()
      limiter.clear()
      limits.clear()
      scratch.clear()
      replaceConfig(config, initialConfig)
      clock.restore()
    },
  }
}

export { createClock, type MockClock } from './clock'
export { clientOf, CLIENT_HEADER, Limits, type Taken, type ThrottleName, type ThrottleSubject } from './limits'
export { SURFACE_AUDIENCES } from './tokens'
export { defaultConfig } from './config'
export { MockInputError } from './types'
export type * from './types'
