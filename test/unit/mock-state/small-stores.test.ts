import { describe, expect, it } from 'vitest'
import { createClock } from '../../../mocks/state/clock'
import { MemoryOutbox } from '../../../mocks/state/outbox'
import { RateLimiter } from '../../../mocks/state/rate-limit'
import { MemoryRequestLog } from '../../../mocks/state/request-log'

const clock = () => createClock(Date.UTC(2030, 0, 1), { frozen: true })

describe('RateLimiter', () => {
  it('allows `limit` hits per sliding window, then tells when to retry', () => {
    const c = clock()
    const limiter = new RateLimiter(c)
    for (let i = 0; i < 3; i++) {
      expect(limiter.hit('k', 3, 60_000).allowed).toBe(true)
      c.advance(10_000)
    }
    expect(limiter.hit('k', 3, 60_000)).toEqual({ allowed: false, retryAfterMs: 30_000 })
    expect(limiter.hit('other', 3, 60_000).allowed).toBe(true)
    c.advance(30_000)
    expect(limiter.hit('k', 3, 60_000).allowed).toBe(true)
    limiter.clear()
    expect(limiter.hit('k', 1, 60_000).allowed).toBe(true)
  })
})

describe('Outbox', () => {
  it('records messages with ids and mock-clock dates, filtered by to/channel/purpose', () => {
    const c = clock()
    const outbox = new MemoryOutbox(c)
    const base = { subject: 's', body: 'b', code: '123456', token: null }
    outbox.send({ ...base, channel: 'email', to: 'Ann@Example.com', purpose: 'platform.login_2fa' })
    outbox.send({ ...base, channel: 'sms', to: '+34600000001', purpose: 'otp.sms_verification' })
    expect(outbox.list()).toHaveLength(2)
    expect(outbox.list({ to: 'ann@example.com' })).toHaveLength(1)
    expect(outbox.list({ channel: 'sms' })[0]).toMatchObject({ to: '+34600000001', createdAt: '2030-01-01T00:00:00.000Z' })
    expect(outbox.latest({ purpose: 'platform.login_2fa' })?.id).toMatch(/^[0-9a-f-]{36}$/)
    outbox.clear()
    expect(outbox.list()).toEqual([])
  })
})

describe('RequestLog', () => {
  it('records entries, filters by path pattern and method, and stays bounded', () => {
    const log = new MemoryRequestLog(clock(), () => 3)
    for (const path of ['/a', '/auth/login', '/auth/login/refresh', '/b']) log.record({ method: 'POST', path, operationName: null, status: 200 })
    expect(log.list().map((e) => e.path)).toEqual(['/auth/login', '/auth/login/refresh', '/b'])
    expect(log.list({ path: '/auth/*' })).toHaveLength(2)
    expect(log.list({ path: '/auth/login' })).toHaveLength(1)
    expect(log.list({ method: 'get' })).toHaveLength(0)
    expect(log.list()[0]?.at).toBe('2030-01-01T00:00:00.000Z')
  })
})
