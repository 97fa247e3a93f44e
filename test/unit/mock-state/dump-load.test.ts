/**
 * `state.dump()` / `state.load()`, what the in-page mock saves to IndexedDB between page loads.
 * The dump goes through `structuredClone` here, as IndexedDB copies it, and is loaded into a
 * second backend: flows started on the first carry on against the second.
 */
import { describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../../mocks/backend'
import { readActionToken } from '../../../mocks/surfaces/accounts/action-tokens'
import { createActionToken } from '../../../mocks/surfaces/accounts'
import { settleScratch, unsettleScratch } from '../../../mocks/state/scratch'
import { AuthClient, memoryStorage } from '../../../src/index'
import { experienceApi } from '../../../src/experience/node'
import { otpApi } from '../../../src/otp'
import { DEMO_TOTP_SECRET } from '../../../mocks/demo-users'
import { totp } from '../../support/totp'
import { platformApi } from '../../../src/platform'

const BASE = 'http://mock.test'
const START = Date.UTC(2030, 0, 1)

/** A fetch into whichever backend is current, so clients outlive the switch. */
function backendFetch(current: () => Backend): typeof fetch {
  return async (input, init) => (await current().handle(new Request(input, init))) ?? new Response('not the mock', { status: 404 })
}

async function reloaded(from: Backend): Promise<Backend> {
  const dump = structuredClone(await from.state.dump())
  const next = createBackend({ now: START, frozenClock: true })
  await next.ready()
  next.state.load(dump)
  return next
}

describe('backend state dump and load', () => {
  it('carries a pending 2FA sign-in, sessions, the signing key, throttles, the clock and scratch keys to a new backend', async () => {
    let backend = createBackend({ now: START, frozenClock: true })
    const fetch = backendFetch(() => backend)
    const bob = new AuthClient({ baseUrl: BASE, api: platformApi(), storage: memoryStorage(), fetch })
    const started = await bob.signIn({ email: 'bob@example.com', password: 'portcullis-demo' })
    if (started.status !== 'challenge') throw new Error('bob needs a code')
    const savedChallenge = JSON.stringify(started.challenge)

    const alice = new AuthClient({ baseUrl: BASE, api: otpApi(), storage: memoryStorage(), fetch })
    expect((await alice.signIn({ email: 'alice@example.com', password: 'portcullis-demo' })).status).toBe('signedIn')
    const aliceToken = (await alice.getAccessToken())!
    await expect(new AuthClient({ baseUrl: BASE, api: otpApi(), storage: memoryStorage(), fetch }).signIn({ email: 'dave@example.com', password: 'wrong' })).rejects.toThrow()
    const actionToken = await createActionToken(backend.state, { username: 'dave', action: 'activation' })
    backend.state.clock.advance(5 * 60_000)
    const before = { jwks: await backend.state.tokens.jwks(), limits: backend.state.limits.dump(), now: backend.state.clock.now(), config: backend.state.config }
    expect(before.limits.counters.length).toBeGreaterThan(0) // dave's wrong password, among others
    backend.state.updateConfig({ password: { minLength: 12 } })

    backend = await reloaded(backend)

    expect(backend.state.clock.now()).toBe(before.now)
    expect(backend.state.config.password.minLength).toBe(12)
    expect(await backend.state.tokens.jwks()).toEqual(before.jwks)
    expect(backend.state.limits.dump()).toEqual(before.limits)
    expect(backend.state.users.findByEmail('bob@example.com')?.email).toBe('bob@example.com')
    expect(Object.isFrozen(backend.state.users.findByEmail('bob@example.com'))).toBe(true)
    expect(await readActionToken(backend.state, actionToken, 'activation', 3600)).toMatchObject({ ok: true })
    expect((await backend.state.tokens.verifyAccessToken(aliceToken, 'otp')).ok).toBe(true)

    // bob's code was mailed by the first backend; the second checks it.
    const code = backend.state.outbox.latest({ to: 'bob@example.com', purpose: 'platform.login_2fa' })?.code
    expect(code).toMatch(/^\d{6}$/)
    const resumed = new AuthClient({ baseUrl: BASE, api: platformApi(), storage: memoryStorage(), fetch }).resumeChallenge(savedChallenge)
    expect(await resumed.verify(code!)).toMatchObject({ status: 'signedIn' })

    // alice's refresh token, issued before the reload, rotates once, and a replay still kills the family.
    const session = backend.state.tokens.userSessions(backend.state.users.findByEmail('alice@example.com')!.id)[0]!
    const issued = backend.state.tokens.issueRefreshToken(session, 60)
    expect(backend.state.tokens.rotateRefreshToken(issued.token, 'otp', 60).ok).toBe(true)
    const again = await reloaded(backend)
    expect(again.state.tokens.rotateRefreshToken(issued.token, 'otp', 60)).toEqual({ ok: false, reason: 'reused' })
    expect((await again.state.tokens.verifyAccessToken(aliceToken, 'otp')).ok).toBe(false)
  })

  it('carries an experience interaction waiting for its second factor (interaction, cookie key) to a new backend', async () => {
    let backend = createBackend({ now: START, frozenClock: true })
    const fetch = backendFetch(() => backend)
    const api = () => experienceApi({ clientId: 'portcullis-demo', redirectUri: 'http://localhost:5173/callback' })
    const first = new AuthClient({ baseUrl: BASE, api: api(), storage: memoryStorage(), fetch })
    const started = await first.signIn({ identifier: 'carol', password: 'portcullis-demo' })
    if (started.status !== 'challenge') throw new Error('carol needs her authenticator')
    const saved = JSON.stringify(started.challenge) // on Node the interaction cookies travel in it

    backend = await reloaded(backend)

    const resumed = new AuthClient({ baseUrl: BASE, api: api(), storage: memoryStorage(), fetch }).resumeChallenge(saved)
    expect(await resumed.verify(totp(DEMO_TOTP_SECRET, backend.state.clock.now()))).toMatchObject({ status: 'signedIn' })
  })

  it('reset after a load restores the seed, not the loaded state', async () => {
    const first = createBackend({ now: START, frozenClock: true })
    await first.ready()
    await first.state.users.create({ email: 'extra@example.com', password: 'long-enough-1' })
    const second = await reloaded(first)
    expect(second.state.users.findByEmail('extra@example.com')).toBeDefined()
    await second.reset()
    expect(second.state.users.findByEmail('extra@example.com')).toBeUndefined()
    expect(second.state.users.findByEmail('alice@example.com')).toBeDefined()
  })
})

describe('settleScratch', () => {
  it('stores settled promises as values, keeps shared records shared, and leaves in-flight password checks out', async () => {
    const shared = { id: 'p1', code: '123456' }
    const never = new Promise<never>(() => {})
    const settled = await settleScratch([
      ['key', Promise.resolve('secret')],
      ['wrapped', { key: Promise.resolve(7) }],
      ['a', new Map([['p1', shared]])],
      ['b', new Map([['p1', shared]])],
      ['password-checks-in-flight', new Map([['alice', new Set([never])]])],
      ['failed', Promise.reject(new Error('no key'))],
    ])
    const copied = structuredClone(settled)
    expect(copied.map(([name]) => name)).toEqual(['key', 'wrapped', 'a', 'b'])
    const revived = new Map(unsettleScratch(copied))
    await expect(revived.get('key')).resolves.toBe('secret')
    await expect((revived.get('wrapped') as { key: Promise<number> }).key).resolves.toBe(7)
    expect((revived.get('a') as Map<string, unknown>).get('p1')).toBe((revived.get('b') as Map<string, unknown>).get('p1'))
    expect((revived.get('a') as Map<string, unknown>).get('p1')).toEqual(shared)
  })
})
