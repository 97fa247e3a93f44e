/**
 * Point 1: account takeover by password-reset guessing. The probe sent 80 aliased `forgotPassword`
 * and 400 aliased guesses per request and took a demo account in 576,090 guesses. Here the same
 * attacker, knowing only the email, gets nowhere: the request is refused outright, and an hour of
 * small requests buys fewer than 200 guesses and fewer than 20 reset emails.
 */
import { describe, expect, it } from 'vitest'
import { ALICE, codes, DEMO_PASSWORD, gql, platformLogin, useSecurityMock, wrongCode } from './support'

const { mock } = useSecurityMock()

const aliased = (field: string, times: number) => `mutation { ${Array.from({ length: times }, (_, i) => `a${i}: ${field}`).join(' ')} }`
const forgot = (email: string) => `forgotPassword(email: "${email}") { status }`
const guess = (email: string, code: string) => `confirmPasswordReset(passwordResetParams: { email: "${email}", code: "${code}", newPassword: "attacker-owns-this" }) { status }`
const resetMails = () => mock.outbox.list({ to: ALICE.email, purpose: 'platform.password_reset' })

describe('password-reset guessing (point 1)', () => {
  it('a request with 80 aliased forgotPassword is refused before any runs: no email is sent', async () => {
    const reply = await gql(aliased(forgot(ALICE.email), 80))
    expect(reply.status).toBe(400)
    expect(reply.data).toBeUndefined()
    expect(reply.errors[0]?.extensions).toMatchObject({ code: 'TOO_MANY_SENSITIVE_FIELDS', limit: 5, count: 80 })
    expect(resetMails()).toHaveLength(0)
  })

  it('400 aliased guesses, or guesses hidden in fragments, are refused too', async () => {
    expect(codes(await gql(aliased(guess(ALICE.email, '123456'), 400)))).toEqual(['TOO_MANY_SENSITIVE_FIELDS'])
    const fragments = `mutation { ...A ...A } fragment A on RootMutationType { x: ${guess(ALICE.email, '1')} y: ${guess(ALICE.email, '2')} z: ${guess(ALICE.email, '3')} }`
    expect(codes(await gql(fragments))).toEqual(['TOO_MANY_SENSITIVE_FIELDS'])
  })

  it('each alias within the limit counts one attempt of the flow', async () => {
    await gql(`mutation { ${forgot(ALICE.email)} }`)
    const code = resetMails().at(-1)!.code!
    const reply = await gql(aliased(guess(ALICE.email, wrongCode(code)), 5))
    expect(reply.errors.map((e) => [e.extensions['code'], e.extensions['attemptsLeft']])).toEqual([
      ['INVALID_CODE', 4],
      ['INVALID_CODE', 3],
      ['INVALID_CODE', 2],
      ['INVALID_CODE', 1],
      ['CODE_ATTEMPTS_EXHAUSTED', 0],
    ])
  })

  it('an hour of the attack (1 forgotPassword + 4 guesses per request, every 10 s) takes nothing over', async () => {
    let evaluated = 0
    let throttled = 0
    let retryAfterMs = 0
    const seen = new Set<string>()
    for (let round = 0; round < 360; round++) {
      const code = resetMails().at(-1)?.code ?? '000000'
      const reply = await gql(`mutation { f: ${forgot(ALICE.email)} ${[1, 2, 3, 4].map((i) => `g${i}: ${guess(ALICE.email, wrongCode(code))}`).join(' ')} }`)
      expect(reply.status).toBe(200)
      for (const error of reply.errors) {
        const code = error.extensions['code'] as string
        seen.add(code)
        // Only a guess checked against a live code could have taken the account over.
        if (code === 'INVALID_CODE') evaluated++
        if (code === 'RATE_LIMITED') {
          throttled++
          retryAfterMs = Math.max(retryAfterMs, error.extensions['retryAfterMs'] as number)
          expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0)
        }
      }
      mock.clock.advance(10_000)
    }
    expect(evaluated).toBeLessThan(200)
    expect(resetMails().length).toBeLessThan(20)
    expect(throttled).toBeGreaterThan(0)
    expect(retryAfterMs).toBeGreaterThan(0)
    expect([...seen]).toEqual(expect.arrayContaining(['RATE_LIMITED', 'CODE_ATTEMPTS_EXHAUSTED']))
    // The password is still the owner's.
    expect((await platformLogin(ALICE.email, DEMO_PASSWORD)).token).toMatch(/^ey/)
    expect(codes(await gql(`mutation { login(credentials: { email: "${ALICE.email}", password: "attacker-owns-this" }) { token } }`))).toEqual(['INVALID_CREDENTIALS'])
  })

  it('guesses before and after asking, and a spent flow asked again, answer alike for real and unknown addresses', async () => {
    const script = async (email: string) => {
      const answers: unknown[] = []
      const one = async (query: string) => answers.push(...codes(await gql(`mutation { ${query} }`)))
      for (let i = 0; i < 6; i++) await one(guess(email, '999999'))
      await one(forgot(email))
      for (let i = 0; i < 6; i++) await one(guess(email, '999999'))
      await one(forgot(email))
      await one(guess(email, '999999'))
      return answers
    }
    // (999999 being alice's code, a one-in-a-million chance, is the only way these could differ.)
    expect(await script(ALICE.email)).toEqual(await script('nobody-at-all@example.com'))
  })

  it('an unknown address answers exactly like a real one, expired codes included (no enumeration)', async () => {
    const known = ALICE.email
    const unknown = 'nobody-here@example.com'
    for (const email of [known, unknown]) expect(codes(await gql(`mutation { ${forgot(email)} }`))).toEqual([])
    const first = async (email: string) => codes(await gql(`mutation { ${guess(email, '999999')} }`))
    // (A 1-in-a-million chance that 999999 is alice's code is the only way these could differ.)
    expect(await first(known)).toEqual(await first(unknown))
    mock.clock.advance(61 * 60_000)
    expect(await first(known)).toEqual(['CODE_EXPIRED'])
    expect(await first(unknown)).toEqual(['CODE_EXPIRED'])
  })
})
