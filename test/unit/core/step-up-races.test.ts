/**
 * A step-up answer sends the guarded call at most once, never after it was cancelled, and
 * never in another session than the one that sent it; a 401 retry likewise stays in its session.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Challenge } from '../../../src/core/challenge'
import { CODE, deferred, fakeFetch, guarded, makeClient, PASSWORD, settle } from './fakes'

const disposers: Array<() => void> = []
afterEach(() => disposers.splice(0).forEach((dispose) => dispose()))

/** A signed-in client whose step-up verification waits for `gate` (the server is slow to answer). */
async function slowVerify() {
  const { fetch, requests } = fakeFetch(guarded)
  const env = makeClient({ options: { fetch } })
  disposers.push(() => env.auth.dispose())
  await env.auth.signIn({ email: 'ada@example.com', password: PASSWORD })
  const gate = deferred()
  const verify = env.backend.adapter.verifyChallenge
  env.backend.adapter.verifyChallenge = async (...args) => {
    await gate.promise
    return verify(...args)
  }
  const offered = new Promise<Challenge>((resolve) => env.auth.on('challenge', ({ challenge }) => resolve(challenge)))
  const call = env.auth.fetch('/auth/otp/methods/totp', { method: 'DELETE' })
  void call.catch(() => {})
  const challenge = await offered
  const replays = () => requests.filter((r) => r.headers.get('x-otp') !== null)
  return { ...env, gate, call, challenge, requests, replays }
}

describe('step-up answers', () => {
  it('a double click: the second verify() is refused while the first is in flight, and the call is replayed once', async () => {
    const { gate, call, challenge, replays } = await slowVerify()
    const first = challenge.verify(CODE)
    await expect(challenge.verify(CODE)).rejects.toMatchObject({ code: 'challenge_busy', kind: 'validation' })
    gate.resolve()
    expect(await first).toEqual({ status: 'verified' })
    expect((await call).status).toBe(200)
    expect(replays()).toHaveLength(1)
  })

  it.each([
    ['cancel()', (env: Awaited<ReturnType<typeof slowVerify>>) => env.challenge.cancel()],
    ['dispose()', (env: Awaited<ReturnType<typeof slowVerify>>) => env.auth.dispose()],
  ])('%s during an in-flight verify: the answer and the call reject with challenge_cancelled, nothing is sent with the code', async (_label, stop) => {
    const env = await slowVerify()
    const answer = env.challenge.verify(CODE)
    stop(env)
    env.gate.resolve()
    await expect(answer).rejects.toMatchObject({ code: 'challenge_cancelled' })
    await expect(env.call).rejects.toMatchObject({ code: 'challenge_cancelled' })
    await settle()
    expect(env.replays()).toEqual([])
  })

  it('a replay is never sent with the token of a session that began after the call (sign-out, sign-in as someone else)', async () => {
    const { auth, gate, call, challenge, replays } = await slowVerify()
    const answer = challenge.verify(CODE)
    await auth.signOut()
    await auth.signIn({ email: 'mallory@example.com', password: PASSWORD })
    gate.resolve()
    await expect(answer).rejects.toMatchObject({ code: 'session_changed', kind: 'auth' })
    await expect(call).rejects.toMatchObject({ code: 'session_changed' })
    expect(replays()).toEqual([])
  })
})

describe('401 retry', () => {
  it('is not sent with the token of a session that began while the request was out', async () => {
    const answered = deferred()
    const { fetch, requests } = fakeFetch(async () => {
      await answered.promise
      return new Response('no', { status: 401 })
    })
    const { auth } = makeClient({ options: { fetch } })
    disposers.push(() => auth.dispose())
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    const call = auth.fetch('/orders')
    await settle()
    await auth.signOut()
    await auth.signIn({ email: 'mallory@example.com', password: PASSWORD })
    answered.resolve()
    expect((await call).status).toBe(401)
    // One request, with the first session's token: the second user's token never went out for it.
    expect(requests.map((r) => r.authorization)).toEqual(['Bearer access-secret-1'])
  })

  it('is still sent after a plain refresh of the same session', async () => {
    let n = 0
    const { fetch, requests } = fakeFetch(() => (++n === 1 ? new Response('no', { status: 401 }) : new Response('ok')))
    const { auth } = makeClient({ options: { fetch } })
    disposers.push(() => auth.dispose())
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    expect((await auth.fetch('/orders')).status).toBe(200)
    expect(requests.map((r) => r.authorization)).toEqual(['Bearer access-secret-1', 'Bearer access-secret-2'])
  })
})
