import { describe, expect, it } from 'vitest'
import { createClock } from '../../../src/core/clock'
import { fakeClock } from './fakes'

describe('clock', () => {
  it('is the local clock until told otherwise', () => {
    const local = fakeClock()
    const clock = createClock(local.now)
    expect(clock.now()).toBe(local.now())
    expect(clock.skew).toBe(0)
  })

  it('estimates skew from a Date header and applies it to now()', () => {
    const local = fakeClock(Date.UTC(2030, 0, 1, 12, 0, 0))
    const clock = createClock(local.now)
    clock.observeDate(new Date(Date.UTC(2030, 0, 1, 12, 5, 0)).toUTCString()) // server 5 min ahead
    expect(clock.skew).toBe(5 * 60_000 + 500)
    expect(clock.now()).toBe(local.now() + 5 * 60_000 + 500)
    clock.observeDate(new Date(Date.UTC(2030, 0, 1, 11, 58, 0)).toUTCString()) // now 2 min behind
    expect(clock.skew).toBe(-2 * 60_000 + 500)
  })

  it('treats offsets within second resolution and latency as no skew', () => {
    const local = fakeClock(Date.UTC(2030, 0, 1, 12, 0, 0, 300))
    const clock = createClock(local.now)
    clock.observeDate(new Date(Date.UTC(2030, 0, 1, 12, 0, 1)).toUTCString())
    expect(clock.skew).toBe(0)
  })

  it('ignores a missing or malformed Date header', () => {
    const clock = createClock(fakeClock().now)
    clock.observeDate(null)
    clock.observeDate('yesterday-ish')
    expect(clock.skew).toBe(0)
  })

  it('falls back to a fresh token iat, but a Date header wins', () => {
    const local = fakeClock(Date.UTC(2030, 0, 1, 12, 0, 0))
    const clock = createClock(local.now)
    clock.observeIssuedAt(Date.UTC(2030, 0, 1, 11, 50, 0)) // server 10 min behind
    expect(clock.skew).toBe(-10 * 60_000 + 500)
    clock.observeDate(new Date(Date.UTC(2030, 0, 1, 12, 1, 0)).toUTCString())
    clock.observeIssuedAt(Date.UTC(2030, 0, 1, 11, 0, 0))
    expect(clock.skew).toBe(60_000 + 500)
  })
})
