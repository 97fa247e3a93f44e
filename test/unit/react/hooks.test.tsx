// @vitest-environment happy-dom
/**
 * portcullis/react under React Testing Library: every status and event as the hooks show it, the
 * challenge prompt (wrong code, resend, right code, cancel), access tokens across refreshes, and
 * re-renders only for the slice a hook reads.
 */
import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { AuthError } from '../../../src/index'
import { AuthProvider, useAccessToken, useAuth, useChallenge, useSession } from '../../../src/react/index'
import { CODE, PASSWORD, transient } from '../core/fakes'
import { LIFETIME, setup } from './support'

afterEach(cleanup)

const wrapperFor =
  (auth: ReturnType<typeof setup>['auth']) =>
  ({ children }: { children: ReactNode }) => <AuthProvider client={auth}>{children}</AuthProvider>

describe('portcullis/react: useAuth', () => {
  it('needs a provider, and says so', () => {
    expect(() => renderHook(() => useAuth())).toThrow(/AuthProvider/)
  })

  it('is loading first, then signed out when nothing is stored', async () => {
    const { auth } = setup()
    const { result } = renderHook(() => useAuth(), { wrapper: wrapperFor(auth) })
    expect(result.current.status).toBe('loading')
    await waitFor(() => expect(result.current.status).toBe('signedOut'))
    expect(result.current).toMatchObject({ session: null, signOutReason: null, error: null })
  })

  it('shows the stored session after loading', async () => {
    const { auth } = setup({ stored: 'fresh' })
    const { result } = renderHook(() => useAuth(), { wrapper: wrapperFor(auth) })
    await waitFor(() => expect(result.current.status).toBe('signedIn'))
    expect(result.current.session?.user).toEqual({ id: 'user-1', email: 'ada@example.com' })
  })

  it('says why there is no session when stored data was unusable', async () => {
    const { auth } = setup({ stored: 'corrupt' })
    const { result } = renderHook(() => useAuth(), { wrapper: wrapperFor(auth) })
    await waitFor(() => expect(result.current.status).toBe('signedOut'))
    expect(result.current.signOutReason).toBe('storage_corrupt')
  })

  it('signs in and out', async () => {
    const { auth, fake } = setup()
    const { result } = renderHook(() => ({ auth: useAuth(), challenge: useChallenge() }), { wrapper: wrapperFor(auth) })
    await waitFor(() => expect(result.current.auth.status).toBe('signedOut'))
    let outcome: Awaited<ReturnType<typeof auth.signIn>> | undefined
    await act(async () => void (outcome = await result.current.auth.signIn({ email: 'ada@example.com', password: PASSWORD })))
    expect(outcome?.status).toBe('signedIn')
    expect(result.current.auth.status).toBe('signedIn')
    expect(result.current.auth.session?.user.email).toBe('ada@example.com')
    expect(result.current.challenge).toBeNull()

    await act(async () => void (await result.current.auth.signOut()))
    expect(result.current.auth).toMatchObject({ status: 'signedOut', session: null, signOutReason: 'user' })
    expect(fake.calls).toMatchObject({ signIn: 1, signOut: 1 })
  })

  it('a failed sign-in rejects and leaves the state alone', async () => {
    const { auth } = setup()
    const { result } = renderHook(() => useAuth(), { wrapper: wrapperFor(auth) })
    await waitFor(() => expect(result.current.status).toBe('signedOut'))
    const error = await result.current.signIn({ email: 'ada@example.com', password: 'wrong' }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'invalid_credentials' })
    expect(result.current.status).toBe('signedOut')
  })

  it('follows refreshes, transient refresh failures and a definitive one', async () => {
    const { auth, clock, fake } = setup({ stored: 'fresh' })
    const { result } = renderHook(() => useAuth(), { wrapper: wrapperFor(auth) })
    await waitFor(() => expect(result.current.status).toBe('signedIn'))
    const firstExpiry = result.current.session!.expiresAt!

    clock.advance(LIFETIME - 1_000)
    await act(async () => void (await auth.getAccessToken()))
    expect(result.current.session!.expiresAt).toBeGreaterThan(firstExpiry)

    clock.advance(LIFETIME - 1_000)
    fake.refreshPlan.push(transient(), transient(), transient())
    await act(async () => void (await auth.getAccessToken()))
    expect(result.current.status).toBe('signedIn')
    expect(result.current.error).toMatchObject({ code: 'http_503' })

    fake.refreshPlan.push(new AuthError('expired', { code: 'refresh_token_expired', kind: 'auth', status: 401 }))
    clock.advance(LIFETIME)
    await act(async () => void (await auth.getAccessToken()))
    expect(result.current).toMatchObject({ status: 'signedOut', session: null, signOutReason: 'session_expired', error: null })
  })
})

describe('portcullis/react: useChallenge', () => {
  it('shows the second factor, a wrong code, a resend and the right code', async () => {
    const { auth, clock, fake } = setup({ twoFactor: true, attempts: 3 })
    const { result } = renderHook(() => ({ auth: useAuth(), prompt: useChallenge() }), { wrapper: wrapperFor(auth) })
    await waitFor(() => expect(result.current.auth.status).toBe('signedOut'))

    await act(async () => void (await result.current.auth.signIn({ email: 'ada@example.com', password: PASSWORD })))
    const first = result.current.prompt!
    expect(first).toMatchObject({ kind: 'sign_in_2fa', methods: ['email_code'], attemptsLeft: 3, error: null, busy: false })
    expect(first.expiresAt).toBe(clock.now() + 600_000)
    expect(result.current.auth.status).toBe('signedOut')

    const wrong = await act(() => first.verify('000000').catch((e: unknown) => e))
    expect(wrong).toMatchObject({ code: 'invalid_code' })
    expect(result.current.prompt).toMatchObject({ attemptsLeft: 2, error: { code: 'invalid_code' }, busy: false })
    expect(result.current.prompt).not.toBe(first)

    clock.advance(60_000)
    await act(() => result.current.prompt!.resend())
    expect(result.current.prompt).toMatchObject({ attemptsLeft: 3, error: null, expiresAt: clock.now() + 600_000 })

    await act(async () => void (await result.current.prompt!.verify(CODE)))
    expect(result.current.prompt).toBeNull()
    expect(result.current.auth.status).toBe('signedIn')
    expect(fake.calls).toMatchObject({ signIn: 1, verify: 2, resend: 1 })
  })

  it('resumeChallenge() brings a sign-in saved before a reload back into the prompt', async () => {
    const before = setup({ twoFactor: true })
    const first = await before.auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    if (first.status !== 'challenge') throw new Error('expected a challenge')
    const saved = JSON.stringify(first.challenge)

    // "After the reload": a new client over the same backend.
    const { auth } = setup({ twoFactor: true })
    const { result } = renderHook(() => ({ auth: useAuth(), prompt: useChallenge() }), { wrapper: wrapperFor(auth) })
    await waitFor(() => expect(result.current.auth.status).toBe('signedOut'))
    expect(result.current.prompt).toBeNull()
    act(() => void result.current.auth.resumeChallenge(saved))
    expect(result.current.prompt).toMatchObject({ kind: 'sign_in_2fa', methods: ['email_code'] })
    await act(async () => void (await result.current.prompt!.verify(CODE)))
    expect(result.current.prompt).toBeNull()
    expect(result.current.auth.status).toBe('signedIn')
    expect(() => result.current.auth.resumeChallenge('{"kind":"step_up"}')).toThrow(expect.objectContaining({ code: 'invalid_challenge' }))
  })

  it('is busy while an answer is on its way', async () => {
    const { auth } = setup({ twoFactor: true })
    const { result } = renderHook(() => ({ auth: useAuth(), prompt: useChallenge() }), { wrapper: wrapperFor(auth) })
    await waitFor(() => expect(result.current.auth.status).toBe('signedOut'))
    await act(async () => void (await result.current.auth.signIn({ email: 'ada@example.com', password: PASSWORD })))
    let answer: Promise<unknown> | undefined
    act(() => void (answer = result.current.prompt!.verify(CODE)))
    expect(result.current.prompt?.busy).toBe(true)
    await act(async () => void (await answer))
    expect(result.current.prompt).toBeNull()
  })

  it('cancel() closes the prompt', async () => {
    const { auth } = setup({ twoFactor: true })
    const { result } = renderHook(() => ({ auth: useAuth(), prompt: useChallenge() }), { wrapper: wrapperFor(auth) })
    await waitFor(() => expect(result.current.auth.status).toBe('signedOut'))
    await act(async () => void (await result.current.auth.signIn({ email: 'ada@example.com', password: PASSWORD })))
    const { challenge } = result.current.prompt!
    act(() => result.current.prompt!.cancel())
    expect(result.current.prompt).toBeNull()
    await expect(challenge.verify(CODE)).rejects.toMatchObject({ code: 'challenge_closed' })
  })

  it('offers a step-up of auth.fetch while mounted, and cancels it when the session ends', async () => {
    const { auth } = setup({ stored: 'fresh', client: { fetch: async () => new Response('{}', { status: 401, headers: { 'x-needs-otp': '1' } }) } })
    const { result } = renderHook(() => ({ auth: useAuth(), prompt: useChallenge() }), { wrapper: wrapperFor(auth) })
    await waitFor(() => expect(result.current.auth.status).toBe('signedIn'))
    const call = auth.fetch('/guarded', { method: 'DELETE' }).catch((e: unknown) => e)
    await waitFor(() => expect(result.current.prompt?.kind).toBe('step_up'))
    expect(result.current.prompt).toMatchObject({ kind: 'step_up', methods: ['totp'] })
    await act(async () => void (await result.current.auth.signOut()))
    expect(result.current.prompt).toBeNull()
    expect(await call).toMatchObject({ code: 'challenge_cancelled' })
  })
})

describe('portcullis/react: useSession and useAccessToken', () => {
  it('useAccessToken reads a token per session: after sign-in, after a refresh, none after sign-out', async () => {
    const { auth, clock } = setup()
    const { result } = renderHook(() => ({ auth: useAuth(), token: useAccessToken() }), { wrapper: wrapperFor(auth) })
    await waitFor(() => expect(result.current.token.loading).toBe(false))
    expect(result.current.token).toEqual({ token: null, loading: false, error: null })

    await act(async () => void (await result.current.auth.signIn({ email: 'ada@example.com', password: PASSWORD })))
    await waitFor(() => expect(result.current.token.token).toBe('access-secret-1'))

    clock.advance(LIFETIME - 1_000)
    await act(async () => void (await auth.getAccessToken()))
    await waitFor(() => expect(result.current.token.token).toBe('access-secret-2'))

    await act(async () => void (await result.current.auth.signOut()))
    await waitFor(() => expect(result.current.token.token).toBeNull())
  })

  it('useAccessToken reports a transient failure with an expired token', async () => {
    const { auth, clock, fake } = setup({ stored: 'fresh' })
    clock.advance(LIFETIME + 1)
    fake.refreshPlan.push(transient(), transient(), transient())
    const { result } = renderHook(() => useAccessToken(), { wrapper: wrapperFor(auth) })
    await waitFor(() => expect(result.current.loading).toBe(false))
    expect(result.current).toMatchObject({ token: null, error: { code: 'http_503' } })
  })

  it('each hook re-renders only for its own slice', async () => {
    const { auth, clock } = setup({ twoFactor: true })
    const renders = { session: 0, challenge: 0 }
    function SessionView() {
      renders.session++
      const session = useSession()
      return <p>session: {session?.user.email ?? 'none'}</p>
    }
    function ChallengeView() {
      renders.challenge++
      const prompt = useChallenge()
      return <p>challenge: {prompt ? `${prompt.kind} ${prompt.attemptsLeft}` : 'none'}</p>
    }
    render(
      <AuthProvider client={auth}>
        <SessionView />
        <ChallengeView />
      </AuthProvider>,
    )
    await act(async () => void (await auth.ready()))
    const base = { ...renders }

    // A challenge: the session view stays as it was.
    let signIn: Awaited<ReturnType<typeof auth.signIn>> | undefined
    await act(async () => void (signIn = await auth.signIn({ email: 'ada@example.com', password: PASSWORD })))
    expect(screen.getByText('challenge: sign_in_2fa 3')).toBeTruthy()
    expect(renders.session).toBe(base.session)
    expect(renders.challenge).toBe(base.challenge + 1)

    // Signed in: the prompt closes (one render) and the session shows (one render).
    const step = signIn
    if (step?.status !== 'challenge') throw new Error('expected a challenge')
    await act(async () => void (await step.challenge.verify(CODE)))
    expect(screen.getByText('session: ada@example.com')).toBeTruthy()
    const afterSignIn = { ...renders }
    expect(afterSignIn.challenge).toBe(base.challenge + 2)

    // A refresh: the session view updates, the challenge view does not render.
    clock.advance(LIFETIME - 1_000)
    await act(async () => void (await auth.getAccessToken()))
    expect(renders.session).toBe(afterSignIn.session + 1)
    expect(renders.challenge).toBe(afterSignIn.challenge)
  })
})
