import { afterEach, describe, expect, it } from 'vitest'
import type { Challenge } from '../../../src/core/challenge'
import { AuthError } from '../../../src/core/errors'
import { CODE, fakeClock, fakeFetch, makeClient, PASSWORD, recordEvents } from './fakes'

const disposers: Array<() => void> = []
afterEach(() => disposers.splice(0).forEach((dispose) => dispose()))

async function challenged() {
  const env = makeClient({ adapter: { twoFactor: true, attempts: 3 } })
  disposers.push(() => env.auth.dispose())
  const events = recordEvents(env.auth)
  const result = await env.auth.signIn({ email: 'ada@example.com', password: PASSWORD })
  if (result.status !== 'challenge') throw new Error('expected a challenge')
  return { ...env, events, challenge: result.challenge }
}

describe('sign-in challenge', () => {
  it('comes back from signIn() with kind, methods, expiry and attempts, and as a `challenge` event', async () => {
    const { challenge, events, clock } = await challenged()
    expect(challenge).toMatchObject({ kind: 'sign_in_2fa', methods: ['email_code'], expiresAt: clock.now() + 600_000, attemptsLeft: 3 })
    expect(events).toEqual([{ name: 'challenge', payload: { challenge } }])
  })

  it('reports expiresAt on this device\'s clock when the server\'s runs ahead; toJSON() keeps server time', async () => {
    const clock = fakeClock()
    const AHEAD = 5 * 60_000
    const { fetch } = fakeFetch(() => new Response('{}', { headers: { date: new Date(clock.now() + AHEAD).toUTCString() } }))
    const { auth } = makeClient({ clock, adapter: { twoFactor: true, serverNow: () => clock.now() + AHEAD }, options: { fetch } })
    disposers.push(() => auth.dispose())
    // An answer of the backend to the adapter's own call: its Date says the server is 5 minutes ahead.
    await auth.run(async (context) => ((await context.fetch('https://auth.test/ping')), { type: 'done' }))
    const result = await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    if (result.status !== 'challenge') throw new Error('expected a challenge')
    // The code lives 10 minutes: 10 minutes from now here, whatever the server's clock says.
    expect(Math.abs(result.challenge.expiresAt! - (clock.now() + 600_000))).toBeLessThan(2_000)
    expect(result.challenge.toJSON().expiresAt).toBe(clock.now() + AHEAD + 600_000)
  })

  it('a wrong code rejects with invalid_code and attemptsLeft; the challenge stays usable', async () => {
    const { auth, challenge } = await challenged()
    const error = await challenge.verify('000000').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ kind: 'challenge', code: 'invalid_code', attemptsLeft: 2 })
    expect(challenge.attemptsLeft).toBe(2)
    await expect(challenge.verify('111111')).rejects.toMatchObject({ attemptsLeft: 1 })
    const result = await challenge.verify(CODE)
    expect(result).toMatchObject({ status: 'signedIn', session: { user: { id: 'user-1', email: 'ada@example.com' } } })
    expect(await auth.getAccessToken()).toBe('access-secret-1')
  })

  it('takes attemptsLeft from the server when it says (error field or details)', async () => {
    const { backend, challenge } = await challenged()
    backend.adapter.verifyChallenge = async () => {
      throw new AuthError('Wrong code.', { code: 'invalid_code', kind: 'challenge', details: { attemptsLeft: ['1'] } })
    }
    await expect(challenge.verify('000000')).rejects.toMatchObject({ attemptsLeft: 1 })
    expect(challenge.attemptsLeft).toBe(1)
  })

  it('a correct answer commits the session and emits signedIn; the challenge is then closed', async () => {
    const { auth, challenge, events, storage } = await challenged()
    await challenge.verify(CODE)
    expect(events.map((e) => e.name)).toEqual(['challenge', 'signedIn'])
    expect(storage.items.size).toBe(1)
    expect(await auth.getSession()).not.toBeNull()
    await expect(challenge.verify(CODE)).rejects.toMatchObject({ code: 'challenge_closed', kind: 'challenge' })
  })

  it('resend() asks for a new code and updates the state', async () => {
    const { backend, challenge, clock } = await challenged()
    await challenge.verify('000000').catch(() => {})
    clock.advance(1_000)
    await challenge.resend()
    expect(backend.calls.resend).toBe(1)
    expect(challenge.attemptsLeft).toBe(3)
    expect(challenge.expiresAt).toBe(clock.now() + 600_000)
  })

  it('cancel() closes it', async () => {
    const { challenge } = await challenged()
    challenge.cancel()
    await expect(challenge.verify(CODE)).rejects.toMatchObject({ code: 'challenge_closed' })
  })

  it('a non-challenge failure passes through untouched', async () => {
    const { backend, challenge } = await challenged()
    backend.adapter.verifyChallenge = async () => {
      throw new AuthError('down', { code: 'http_503', kind: 'server' })
    }
    await expect(challenge.verify(CODE)).rejects.toMatchObject({ code: 'http_503', attemptsLeft: undefined })
    expect(challenge.attemptsLeft).toBe(3)
  })
})

describe('resumeChallenge', () => {
  it('toJSON() is the plain state, and a new client resumes it after a "reload"', async () => {
    const { challenge, backend, clock, auth } = await challenged()
    const saved = JSON.stringify(challenge)
    expect(JSON.parse(saved)).toEqual({
      adapter: 'fake',
      kind: 'sign_in_2fa',
      methods: ['email_code'],
      expiresAt: challenge.expiresAt,
      attemptsLeft: 3,
      data: { sessionId: 's-1', email: 'ada@example.com' },
    })
    auth.dispose()
    const reloaded = makeClient({ clock, backend })
    disposers.push(() => reloaded.auth.dispose())
    const resumed: Challenge = reloaded.auth.resumeChallenge(saved)
    expect(resumed.toJSON()).toEqual(JSON.parse(saved))
    expect(await resumed.verify(CODE)).toMatchObject({ status: 'signedIn' })
    expect(await reloaded.auth.getAccessToken()).toBe('access-secret-1')
    // A parsed object works as well as the JSON string.
    expect(reloaded.auth.resumeChallenge(JSON.parse(saved))).toMatchObject({ kind: 'sign_in_2fa' })
  })

  it.each([
    ['not JSON', '{oops'],
    ['null', 'null'],
    ['an empty object', '{}'],
    ['another adapter', { adapter: 'other', kind: 'sign_in_2fa', methods: [], expiresAt: null, attemptsLeft: null, data: {} }],
    ['an unknown kind', { adapter: 'fake', kind: 'magic', methods: [], expiresAt: null, attemptsLeft: null, data: {} }],
    ['an unknown method', { adapter: 'fake', kind: 'sign_in_2fa', methods: ['carrier_pigeon'], expiresAt: null, attemptsLeft: null, data: {} }],
    ['a string expiry', { adapter: 'fake', kind: 'sign_in_2fa', methods: [], expiresAt: 'soon', attemptsLeft: null, data: {} }],
    ['nested data', { adapter: 'fake', kind: 'sign_in_2fa', methods: [], expiresAt: null, attemptsLeft: null, data: { x: { y: 1 } } }],
    ['no data', { adapter: 'fake', kind: 'sign_in_2fa', methods: [], expiresAt: null, attemptsLeft: null }],
    // Its call is gone after a reload; "verifying" it alone would check nothing.
    ['a step-up', { adapter: 'fake', kind: 'step_up', methods: ['totp'], expiresAt: null, attemptsLeft: null, data: { path: '/x' } }],
  ])('rejects %s with a validation error', (_label, saved) => {
    const { auth } = makeClient()
    disposers.push(() => auth.dispose())
    let caught: unknown
    try {
      auth.resumeChallenge(saved as never)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(AuthError)
    expect(caught).toMatchObject({ kind: 'validation', code: 'invalid_challenge' })
  })
})
