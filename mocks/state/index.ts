import { createClock, type MockClock } from './clock'
import { MemoryCodeStore, type StoredCode } from './codes'
import { defaultConfig, replaceConfig, updateConfig } from './config'
import { MemoryFaultStore } from './faults'
import { MemoryOutbox } from './outbox'
import { PASSWORD_ITERATIONS } from './passwords'
import { Limits, type LimitsDump } from './limits'
import { RateLimiter } from './rate-limit'
import { MemoryRequestLog } from './request-log'
import { Scratch, settleScratch, unsettleScratch } from './scratch'
import { MemoryTokenService, type TokenServiceDump } from './tokens'
import type { BackendConfig, DeepPartial, Millis, MockBackendState, NewUser, OutboxMessage, RequestLogEntry } from './types'
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
  /**
   * Everything a later page load needs to carry on (see `BackendStateDump`), for the browser
   * mock's saved state. Settles promises first, then copies in one synchronous step.
   */
  dump(): Promise<BackendStateDump>
  /** Replaces the state with a dump (after `ready()`, so the seed does not land on top of it). */
  load(dump: BackendStateDump): void
}

/**
 * The state as structured-clonable data (Maps, CryptoKeys and plain objects; no functions or
 * promises), so IndexedDB can store it as is. Queued faults are left out: they aim at the
 * requests of the page that queued them. `scratch` holds the surfaces' own maps (pending logins,
 * interactions, cookie and action-token keys …), with their promises settled (see `settleScratch`).
 */
export interface BackendStateDump {
  /** The mock clock, and the real time it was read at. */
  now: Millis
  savedAt: Millis
  config: BackendConfig
  users: UserStoreSnapshot
  codes: StoredCode[]
  outbox: OutboxMessage[]
  tokens: TokenServiceDump
  requests: RequestLogEntry[]
  rateLimits: ReturnType<RateLimiter['dump']>
  limits: LimitsDump
  scratch: Array<[string, unknown]>
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
  let ready: Promise<void> | undefined
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
    // One promise for every caller: request paths await it on each call.
    ready: () => (ready ??= seedOnce().then(() => undefined)),
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
    async dump() {
      // The only waits come first, so what follows copies one moment of the state.
      const settled = await settleScratch(scratch.dump())
      return {
        now: clock.now(),
        savedAt: Date.now(),
        config: structuredClone(config),
        users: users.snapshot(),
        codes: codes.dump(),
        outbox: outbox.list(),
        tokens: tokens.dump(),
        requests: requests.list(),
        rateLimits: limiter.dump(),
        limits: limits.dump(),
        scratch: settled,
      }
    },
    load(dump) {
      replaceConfig(config, dump.config)
      // A ticking clock keeps its offset from real time (it ran on while the page was closed).
      clock.set(options.frozenClock ? dump.now : dump.now + (Date.now() - dump.savedAt))
      users.load(dump.users)
      codes.load(dump.codes)
      outbox.load(dump.outbox)
      tokens.load(dump.tokens)
      requests.load(dump.requests)
      limiter.load(dump.rateLimits)
      limits.load(dump.limits)
      faults.clear()
      scratch.load(unsettleScratch(dump.scratch))
    },
  }
}

export { createClock, type MockClock } from './clock'
export { clientOf, CLIENT_HEADER, Limits, type Taken, type ThrottleName, type ThrottleSubject } from './limits'
export { SURFACE_AUDIENCES } from './tokens'
export { defaultConfig } from './config'
export { MockInputError } from './types'
export type * from './types'
