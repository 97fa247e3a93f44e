import { describe, expect, it } from 'vitest'
import { createClock } from '../../../mocks/state/clock'
import { defaultLimits } from '../../../mocks/state/config'
import { Limits } from '../../../mocks/state/limits'
import { MAX_RATE_LIMIT_KEYS, RateLimiter } from '../../../mocks/state/rate-limit'

function setup() {
  const clock = createClock(Date.UTC(2030, 0, 1), { frozen: true })
  const config = defaultLimits()
  config.passwordFailures = { perAccount: { max: 3, windowSeconds: 60 }, perClient: { max: 5, windowSeconds: 60 } }
  return { clock, config, limits: new Limits(clock, () => config) }
}

describe('Limits', () => {
  it('counts per account and per client; the refusal says how long to wait and which scope is full', () => {
    const { limits, clock } = setup()
    for (let i = 0; i < 3; i++) expect(limits.take('passwordFailures', { account: 'a', client: 'c' }).ok).toBe(true)
    clock.advance(10_000)
    expect(limits.take('passwordFailures', { account: 'A', client: 'c' })).toEqual({ ok: false, retryAfterMs: 50_000, scope: 'account' })
    expect(limits.take('passwordFailures', { account: 'b', client: 'c' }).ok).toBe(true)
    expect(limits.take('passwordFailures', { account: 'b', client: 'c' }).ok).toBe(true)
    expect(limits.take('passwordFailures', { account: 'z', client: 'c' })).toMatchObject({ ok: false, scope: 'client' })
    clock.advance(50_000)
    expect(limits.take('passwordFailures', { account: 'a', client: 'c' }).ok).toBe(true)
  })

  it('a released attempt is not counted, and a refused take counts nowhere (all or nothing)', () => {
    const { limits } = setup()
    for (let i = 0; i < 10; i++) {
      const taken = limits.take('passwordFailures', { account: 'a', client: 'c' })
      if (!taken.ok) throw new Error('refused')
      taken.release()
      taken.release()
    }
    for (let i = 0; i < 3; i++) limits.take('passwordFailures', { account: 'full', client: 'c' })
    for (let i = 0; i < 5; i++) expect(limits.take('passwordFailures', { account: 'full', client: 'c' }).ok).toBe(false)
    expect(limits.take('passwordFailures', { account: 'b', client: 'c' }).ok).toBe(true)
  })

  it('settings are read live, so PUT /__mock/config applies at once', () => {
    const { limits, config } = setup()
    for (let i = 0; i < 3; i++) limits.take('passwordFailures', { account: 'a' })
    expect(limits.take('passwordFailures', { account: 'a' }).ok).toBe(false)
    config.passwordFailures.perAccount.max = 10
    expect(limits.take('passwordFailures', { account: 'a' }).ok).toBe(true)
  })

  it('locks the authenticator on the max-th wrong code, and unlocks on the clock', () => {
    const { limits, clock } = setup()
    for (let i = 0; i < 4; i++) limits.totpFailed('u')
    expect(limits.totpLocked('u')).toEqual({ locked: false })
    limits.totpFailed('u')
    expect(limits.totpLocked('u')).toEqual({ locked: true, retryAfterMs: 900_000 })
    clock.advance(900_000)
    expect(limits.totpLocked('u')).toEqual({ locked: false })
    limits.totpFailed('u')
    limits.totpSucceeded('u')
    for (let i = 0; i < 4; i++) limits.totpFailed('u')
    expect(limits.totpLocked('u').locked).toBe(false)
  })
})

describe('RateLimiter memory', () => {
  it('sweeps keys whose window has passed and never holds more than MAX_RATE_LIMIT_KEYS', () => {
    const clock = createClock(0, { frozen: true })
    const limiter = new RateLimiter(clock)
    for (let i = 0; i < 5000; i++) limiter.hit(`k${i}`, 1, 1000)
    clock.advance(2000)
    for (let i = 0; i < 1000; i++) limiter.hit(`later${i}`, 1, 1000)
    expect(limiter.size()).toBeLessThanOrEqual(1000)
    expect(MAX_RATE_LIMIT_KEYS).toBe(100_000)
  })
})
