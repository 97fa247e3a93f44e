import { describe, expect, it } from 'vitest'
import { createClock } from '../../../mocks/state/clock'
import { MemoryCodeStore } from '../../../mocks/state/codes'

function setup() {
  const clock = createClock(Date.UTC(2030, 0, 1), { frozen: true })
  const codes = new MemoryCodeStore(clock)
  const issue = (key = 'k', maxAttempts = 3) => codes.issue({ key, userId: 'u1', purpose: 'test', ttlMs: 60_000, maxAttempts, data: { step: 1 } })
  const wrong = (code: string) => (code === '000000' ? '111111' : '000000')
  return { clock, codes, issue, wrong }
}

describe('CodeStore', () => {
  it('accepts the right code once, returning its user and data', () => {
    const { codes, issue } = setup()
    const issued = issue()
    expect(issued.code).toMatch(/^\d{6}$/)
    expect(codes.check('k', issued.code)).toEqual({ result: 'ok', attemptsLeft: 3, userId: 'u1', data: { step: 1 } })
    expect(codes.check('k', issued.code).result).toBe('not_found')
  })

  it('honours the digits option', () => {
    const { codes } = setup()
    expect(codes.issue({ key: 'k', userId: 'u', purpose: 'p', ttlMs: 1000, maxAttempts: 1, digits: 8 }).code).toMatch(/^\d{8}$/)
  })

  it('wrong, expired and exhausted are distinct results', () => {
    const { codes, issue, clock, wrong } = setup()
    const a = issue('a')
    expect(codes.check('a', wrong(a.code))).toMatchObject({ result: 'mismatch', attemptsLeft: 2 })

    const b = issue('b')
    clock.advance(60_000)
    expect(codes.check('b', b.code).result).toBe('expired')

    const c = issue('c', 2)
    expect(codes.check('c', wrong(c.code))).toMatchObject({ result: 'mismatch', attemptsLeft: 1 })
    expect(codes.check('c', wrong(c.code))).toMatchObject({ result: 'mismatch', attemptsLeft: 0 })
    // Once no attempt is left, even the right code fails.
    expect(codes.check('c', c.code)).toMatchObject({ result: 'exhausted', attemptsLeft: 0 })
    expect(codes.check('nope', '123456').result).toBe('not_found')
  })

  it('is still valid one millisecond before expiry', () => {
    const { codes, issue, clock } = setup()
    const issued = issue()
    clock.advance(59_999)
    expect(codes.check('k', issued.code).result).toBe('ok')
  })

  it('re-issuing for a key invalidates the old code and keeps the flow’s attempts; a new flow starts over', () => {
    const { codes, issue, wrong, clock } = setup()
    const first = issue()
    codes.check('k', wrong(first.code))
    let second = issue()
    while (second.code === first.code) second = issue()
    expect(second.attemptsLeft).toBe(2)
    expect(codes.check('k', first.code)).toMatchObject({ result: 'mismatch', attemptsLeft: 1 })
    codes.check('k', wrong(second.code))
    expect(issue().attemptsLeft).toBe(0)
    clock.advance(60 * 60 * 1000)
    const fresh = issue()
    expect(fresh.attemptsLeft).toBe(3)
    expect(codes.check('k', fresh.code).result).toBe('ok')
  })

  it('revoke removes a code; peek shows it without spending an attempt', () => {
    const { codes, issue } = setup()
    const issued = issue()
    expect(codes.peek('k')).toMatchObject({ code: issued.code, userId: 'u1', purpose: 'test', attemptsLeft: 3 })
    codes.revoke('k')
    expect(codes.peek('k')).toBeUndefined()
    expect(codes.check('k', issued.code).result).toBe('not_found')
  })
})
