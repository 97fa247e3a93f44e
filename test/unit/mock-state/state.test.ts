import { describe, expect, it } from 'vitest'
import { createBackendState } from '../../../mocks/state'
import { MockInputError } from '../../../mocks/state/types'

describe('createBackendState', () => {
  it('does nothing until ready(), then has the seed users', async () => {
    const state = createBackendState({ seed: [{ email: 'a@example.com', password: 'pw' }, { email: 'b@example.com', password: 'pw' }], passwordIterations: 1000 })
    expect(state.users.all()).toHaveLength(0)
    await state.ready()
    expect(state.users.all().map((u) => [u.pk, u.email])).toEqual([
      [1, 'a@example.com'],
      [2, 'b@example.com'],
    ])
  })

  it('reset restores the seed (same ids), config and clock; clears everything else; keeps keys', async () => {
    const state = createBackendState({ seed: [{ email: 'a@example.com', password: 'pw' }], now: Date.UTC(2030, 0, 1), frozenClock: true, config: { otp: { codeTtlSeconds: 120 } }, passwordIterations: 1000 })
    await state.ready()
    const seeded = state.users.all()[0]!
    const jwks = await state.tokens.jwks()

    await state.users.create({ email: 'extra@example.com', password: 'pw' })
    state.users.update(seeded.id, { firstName: 'Changed' })
    state.codes.issue({ key: 'k', userId: seeded.id, purpose: 'p', ttlMs: 1000, maxAttempts: 1 })
    state.outbox.send({ channel: 'email', to: 'a@example.com', purpose: 'p', subject: 's', body: 'b', code: null, token: null })
    const session = state.tokens.startSession({ userId: seeded.id, surface: 'otp', amr: ['pwd'] })
    const refresh = state.tokens.issueRefreshToken(session, 60)
    state.scratch('pending', () => new Map([['x', 1]]))
    state.requests.record({ method: 'GET', path: '/x', operationName: null, status: 200 })
    state.faults.add({ path: '/x', status: 500 })
    expect(state.rateLimit('k', 1, 60_000).allowed).toBe(true)
    state.updateConfig({ otp: { codeTtlSeconds: 30 }, mailEnabled: false })
    state.clock.advance(86_400_000)

    await state.reset()

    expect(state.users.all()).toEqual([seeded])
    expect((await state.users.create({ email: 'next@example.com', password: 'pw' })).pk).toBe(2)
    expect(state.codes.peek('k')).toBeUndefined()
    expect(state.outbox.list()).toEqual([])
    expect(state.tokens.getSession(session.id)).toBeUndefined()
    expect(state.tokens.rotateRefreshToken(refresh.token, 'otp', 60)).toEqual({ ok: false, reason: 'invalid' })
    expect(state.scratch('pending', () => new Map()).size).toBe(0)
    expect(state.requests.list()).toEqual([])
    expect(state.faults.list()).toEqual([])
    expect(state.rateLimit('k', 1, 60_000).allowed).toBe(true)
    expect(state.config.otp.codeTtlSeconds).toBe(120)
    expect(state.config.mailEnabled).toBe(true)
    expect(state.clock.now()).toBe(Date.UTC(2030, 0, 1))
    expect(await state.tokens.jwks()).toEqual(jwks)
  })

  it('an invalid seed rejects ready() with the store error', async () => {
    const state = createBackendState({ seed: [{ email: 'a@example.com' }, { email: 'A@example.com' }] })
    await expect(state.ready()).rejects.toBeInstanceOf(MockInputError)
    expect(state.users.all()).toHaveLength(1)
  })

  it('an invalid config throws at creation', () => {
    expect(() => createBackendState({ config: { otp: { codeTtlSeconds: -1 } } })).toThrow(MockInputError)
  })
})
