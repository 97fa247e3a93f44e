/**
 * Tokens, codes and passwords must never appear in an error's message, its `cause` chain,
 * `toJSON()` or `JSON.stringify`. This drives every error path of the core and greps them all.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { AuthError, networkError } from '../../../src/core/errors'
import { CODE, fakeFetch, makeClient, PASSWORD } from './fakes'

const disposers: Array<() => void> = []
afterEach(() => disposers.splice(0).forEach((dispose) => dispose()))

const WRONG_CODE = '987654'
const SECRETS = [PASSWORD, CODE, WRONG_CODE, 'access-secret', 'refresh-secret']

/** Every string an error exposes: message, stack, JSON forms, spread, and the whole cause chain. */
function surfaces(error: unknown): string[] {
  const out: string[] = []
  const seen = new Set<unknown>()
  for (let e: unknown = error; e && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e)
    out.push(String(e), JSON.stringify(e) ?? '', JSON.stringify({ ...(e as object) }))
    if (e instanceof Error) out.push(e.message, e.stack ?? '')
    if (e instanceof AuthError) out.push(JSON.stringify(e.toJSON()))
  }
  return out
}

async function collectErrors(): Promise<unknown[]> {
  const errors: unknown[] = []
  const catching = async (promise: Promise<unknown>) => promise.then(() => errors.push(new Error('expected a rejection')), (e: unknown) => void errors.push(e))

  // Sign-in: wrong password; a fetch failure quoting the request; a network TypeError (both as adapters report them).
  const basic = makeClient()
  disposers.push(() => basic.auth.dispose())
  await catching(basic.auth.signIn({ email: 'ada@example.com', password: 'wrong ' + PASSWORD }))
  const original = basic.backend.adapter.signIn
  basic.backend.adapter.signIn = async (_context, credentials) => {
    throw networkError(new Error(`POST /login failed: {"password":"${credentials.password}"}`))
  }
  await catching(basic.auth.signIn({ email: 'ada@example.com', password: PASSWORD }))
  basic.backend.adapter.signIn = async () => {
    throw networkError(new TypeError('fetch failed'))
  }
  await catching(basic.auth.signIn({ email: 'ada@example.com', password: PASSWORD }))
  basic.backend.adapter.signIn = original

  // Refresh: transient (rejects) and definitive (reported through events).
  await basic.auth.signIn({ email: 'ada@example.com', password: PASSWORD })
  basic.auth.on('refreshFailed', ({ error }) => void errors.push(error))
  basic.auth.on('signedOut', ({ error }) => void (error && errors.push(error)))
  basic.clock.advance(20 * 60_000)
  basic.backend.refreshPlan.push(...Array.from({ length: 3 }, () => new AuthError('The backend is unavailable.', { code: 'http_503', kind: 'server' })))
  await catching(basic.auth.getAccessToken())
  basic.backend.refreshPlan.push(new AuthError('The refresh token is not valid.', { code: 'invalid_refresh_token', kind: 'auth' }))
  await basic.auth.getAccessToken()

  // Challenge: wrong code, closed challenge, garbage to resume (including one that holds the code).
  const twoFactor = makeClient({ adapter: { twoFactor: true } })
  disposers.push(() => twoFactor.auth.dispose())
  const result = await twoFactor.auth.signIn({ email: 'ada@example.com', password: PASSWORD })
  if (result.status !== 'challenge') throw new Error('expected a challenge')
  await catching(result.challenge.verify(WRONG_CODE))
  await result.challenge.verify(CODE)
  await catching(result.challenge.verify(CODE))
  for (const garbage of [`{"code":"${CODE}","password":"${PASSWORD}"}`, { adapter: 'fake', kind: 'x', code: CODE }]) {
    try {
      twoFactor.auth.resumeChallenge(garbage as never)
    } catch (error) {
      errors.push(error)
    }
  }

  // Step-up: required (no listener), wrong code on the replay, cancelled.
  const { fetch } = fakeFetch((request) =>
    request.headers.get('x-otp') === CODE ? new Response('ok') : new Response('no', { status: 401, headers: { 'x-needs-otp': '1' } }),
  )
  const stepUp = makeClient({ options: { fetch } })
  disposers.push(() => stepUp.auth.dispose())
  await stepUp.auth.signIn({ email: 'ada@example.com', password: PASSWORD })
  const required = await stepUp.auth.fetch('/x', { method: 'POST', body: JSON.stringify({ password: PASSWORD }) }).catch((e: unknown) => e)
  errors.push(required)
  await catching((required as { challenge: { verify(code: string): Promise<unknown> } }).challenge.verify(WRONG_CODE))
  stepUp.auth.on('challenge', ({ challenge }) => challenge.cancel())
  await catching(stepUp.auth.fetch('/x'))
  return errors
}

describe('error redaction', () => {
  it('no error exposes a token, code or password anywhere', async () => {
    const errors = await collectErrors()
    expect(errors.length).toBeGreaterThanOrEqual(12)
    for (const error of errors) {
      expect(error).toBeInstanceOf(AuthError)
      for (const text of surfaces(error)) {
        for (const secret of SECRETS) expect(text, `${(error as AuthError).code} leaks ${secret}`).not.toContain(secret)
      }
    }
    expect(errors.map((e) => (e as AuthError).code)).toEqual(
      expect.arrayContaining(['invalid_credentials', 'network_error', 'http_503', 'invalid_refresh_token', 'invalid_code', 'challenge_closed', 'invalid_challenge', 'step_up_required', 'challenge_cancelled']),
    )
  })

  it('keeps cause out of enumeration and JSON, and drops an unknown cause that may quote the request', () => {
    const error = new AuthError('Safe message.', { code: 'internal_error', kind: 'server', cause: new Error('secret') })
    expect(Object.keys(error)).not.toContain('cause')
    expect(JSON.stringify(error)).not.toContain('secret')
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'AuthError', message: 'Safe message.', code: 'internal_error', kind: 'server', retryable: true })
  })
})
