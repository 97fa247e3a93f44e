import { afterEach, describe, expect, it } from 'vitest'
import type { Challenge } from '../../../src/core/challenge'
import { AuthError, ChallengeRequiredError } from '../../../src/core/errors'
import { CODE, fakeFetch, guarded, makeClient, PASSWORD } from './fakes'

const disposers: Array<() => void> = []
afterEach(() => disposers.splice(0).forEach((dispose) => dispose()))

/** A signed-in client whose backend guards calls with a step-up (`guarded`). */
async function client() {
  const { fetch, requests } = fakeFetch(guarded)
  const env = makeClient({ options: { fetch } })
  disposers.push(() => env.auth.dispose())
  await env.auth.signIn({ email: 'ada@example.com', password: PASSWORD })
  return { ...env, requests }
}

/** Resolves with the next challenge offered to the `challenge` listener. */
const nextChallenge = (auth: Awaited<ReturnType<typeof client>>['auth']) =>
  new Promise<Challenge>((resolve) => {
    const off = auth.on('challenge', ({ challenge }) => {
      off()
      auth.on('challenge', () => {}) // keep a listener, as an app with a global prompt would
      resolve(challenge)
    })
  })

describe('step-up through auth.fetch', () => {
  it('with a listener: the call waits for the answer, then is replayed once with the step-up headers', async () => {
    const { auth, requests, backend } = await client()
    const offered = nextChallenge(auth)
    const call = auth.fetch('/auth/otp/methods/totp', { method: 'POST', body: '{"keep":"me"}' })
    const challenge = await offered
    expect(challenge).toMatchObject({ kind: 'step_up', methods: ['totp'] })
    let settled = false
    void call.then(() => (settled = true))

    await expect(challenge.verify('000000')).rejects.toMatchObject({ kind: 'challenge', code: 'invalid_code' })
    expect(settled).toBe(false)
    expect(await challenge.verify(CODE)).toEqual({ status: 'verified' })
    const response = await call
    expect(await response.json()).toEqual({ deleted: true })
    expect(requests.map((r) => [r.headers.get('x-otp'), r.authorization, r.body])).toEqual([
      [null, 'Bearer access-secret-1', '{"keep":"me"}'],
      ['000000', 'Bearer access-secret-1', '{"keep":"me"}'],
      [CODE, 'Bearer access-secret-1', '{"keep":"me"}'],
    ])
    // A step-up 401 is not a rejected token: nothing was refreshed.
    expect(backend.calls.refresh).toBe(0)
  })

  it('cancel() rejects the waiting call with challenge_cancelled', async () => {
    const { auth, requests } = await client()
    const offered = nextChallenge(auth)
    const call = auth.fetch('/auth/otp/methods/totp', { method: 'DELETE' })
    ;(await offered).cancel()
    await expect(call).rejects.toMatchObject({ kind: 'challenge', code: 'challenge_cancelled' })
    expect(requests).toHaveLength(1)
  })

  it('without a listener: rejects at once with ChallengeRequiredError carrying the challenge', async () => {
    const { auth, requests } = await client()
    const error = await auth.fetch('/auth/otp/methods/totp', { method: 'DELETE' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ChallengeRequiredError)
    expect(error).toBeInstanceOf(AuthError)
    const required = error as ChallengeRequiredError
    expect(required).toMatchObject({ kind: 'challenge', code: 'step_up_required' })
    expect(required.challenge.kind).toBe('step_up')
    // The caller answers itself and gets the replayed response.
    const result = await required.challenge.verify(CODE)
    expect(result.status).toBe('verified')
    const response = result.response!
    expect(await response.json()).toEqual({ deleted: true })
    expect(requests).toHaveLength(2)
  })

  it('an aborted call stops waiting', async () => {
    const { auth } = await client()
    const offered = nextChallenge(auth)
    const controller = new AbortController()
    const call = auth.fetch('/auth/otp/methods/totp', { method: 'DELETE', signal: controller.signal })
    const challenge = await offered
    controller.abort()
    await expect(call).rejects.toMatchObject({ name: 'AbortError' })
    await expect(challenge.verify(CODE)).rejects.toMatchObject({ code: 'challenge_closed' })
  })

  it('dispose() cancels calls still waiting', async () => {
    const { auth } = await client()
    const offered = nextChallenge(auth)
    const call = auth.fetch('/auth/otp/methods/totp', { method: 'DELETE' })
    await offered
    auth.dispose()
    await expect(call).rejects.toMatchObject({ code: 'challenge_cancelled' })
  })

  it('an ordinary response is not a step-up: a success is not even asked about, another error is passed on', async () => {
    const { fetch } = fakeFetch((request) => (request.url.endsWith('/missing') ? Response.json({ code: 'not_found' }, { status: 404 }) : Response.json({ ok: true })))
    const env = makeClient({ options: { fetch } })
    disposers.push(() => env.auth.dispose())
    await env.auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    expect((await env.auth.fetch('/x', { method: 'POST', body: 'x' })).status).toBe(200)
    expect(env.backend.calls.detect).toBe(0)
    const missing = await env.auth.fetch('/missing', { method: 'POST', body: '{"a":1}' })
    expect([missing.status, await missing.json()]).toEqual([404, { code: 'not_found' }])
    expect(env.backend.calls.detect).toBe(1)
  })
})
