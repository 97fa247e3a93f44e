/**
 * The SDK side of throttling: a throttled call rejects with an `AuthError` of kind `rate_limit`
 * that carries `retryAfterMs`, on platform (GraphQL `retryAfterMs` extension) and otp (429 +
 * `Retry-After`), so an app can tell its user how long to wait.
 */
import { describe, expect, it } from 'vitest'
import { AuthClient, AuthError, memoryStorage } from '../../src'
import { otpApi } from '../../src/otp'
import { platformApi } from '../../src/platform'
import { ALICE, BASE, DEMO_PASSWORD, useSecurityMock } from './support'

const { mock } = useSecurityMock()

describe.each([
  ['platform', () => platformApi(), 'rate_limited'],
  ['otp', () => otpApi(), 'rate_limited'],
] as const)('%s: a throttled sign-in', (_name, api, code) => {
  it('rejects with kind rate_limit and retryAfterMs; after the wait the right password works', async () => {
    const auth = new AuthClient({ baseUrl: BASE, api: api(), storage: memoryStorage(), crossTab: false, autoRefresh: false })
    try {
      let throttled: AuthError | undefined
      for (let i = 0; i < 20 && !throttled; i++) {
        const error = await auth.signIn({ email: ALICE.email, password: `wrong-${i}` }).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(AuthError)
        if ((error as AuthError).kind === 'rate_limit') throttled = error as AuthError
        else expect((error as AuthError).kind).toBe('auth')
        mock.clock.advance(1_234)
      }
      expect(throttled).toMatchObject({ kind: 'rate_limit', code, retryable: true })
      expect(throttled!.retryAfterMs).toBeGreaterThan(0)
      // platform passes the exact wait of the GraphQL extension; otp's Retry-After is whole seconds.
      expect(throttled!.retryAfterMs! % 1000 === 0).toBe(_name === 'otp')
      expect(throttled!.toJSON()).toMatchObject({ retryAfterMs: throttled!.retryAfterMs })

      mock.clock.advance(throttled!.retryAfterMs!)
      await expect(auth.signIn({ email: ALICE.email, password: DEMO_PASSWORD })).resolves.toMatchObject({ status: 'signedIn' })
    } finally {
      auth.dispose()
    }
  })
})
