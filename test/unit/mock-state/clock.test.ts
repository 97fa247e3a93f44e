import { describe, expect, it } from 'vitest'
import { createClock } from '../../../mocks/state/clock'

describe('createClock', () => {
  it('starts at the given time and ticks with real time by default', () => {
    let real = 1_000
    const clock = createClock(Date.UTC(2030, 0, 1), { source: () => real })
    expect(clock.now()).toBe(Date.UTC(2030, 0, 1))
    real += 250
    expect(clock.now()).toBe(Date.UTC(2030, 0, 1) + 250)
  })

  it('accepts a Date and follows real time when no start is given', () => {
    const real = 5_000
    expect(createClock(new Date(42), { source: () => real }).now()).toBe(42)
    expect(createClock(undefined, { source: () => real }).now()).toBe(5_000)
  })

  it('advance and set move it; restore goes back to the start', () => {
    const clock = createClock(10_000, { frozen: true })
    expect(clock.advance(5_000)).toBe(15_000)
    expect(clock.now()).toBe(15_000)
    expect(clock.set(1_000)).toBe(1_000)
    expect(clock.now()).toBe(1_000)
    expect(clock.restore()).toBe(10_000)
  })

  it('a frozen clock does not move by itself', () => {
    let real = 0
    const clock = createClock(100, { frozen: true, source: () => real })
    real += 10_000
    expect(clock.now()).toBe(100)
  })

  it('rejects non-finite times', () => {
    const clock = createClock(0, { frozen: true })
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError)
    expect(() => clock.set(Number.POSITIVE_INFINITY)).toThrow(RangeError)
  })
})
