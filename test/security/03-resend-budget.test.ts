/**
 * Point 3: `resend2Fa` reset the attempt budget (4 wrong codes, resend, repeat: 1,000 guesses
 * without a limit). Attempts now belong to the pending login, and wrong codes are also counted per
 * account across logins, so neither resends nor fresh logins buy more guesses.
 */
import { describe, expect, it } from 'vitest'
import { BOB, codes, gql, rest, otpLogin, useSecurityMock, wrongCode, ALICE } from './support'

const { mock } = useSecurityMock()

const LOGIN = 'mutation{login(credentials:{email:"bob@example.com",password:"portcullis-demo"}){sessionId}}'
const CONFIRM = 'mutation($c:String!,$s:String!){confirm2Fa(code:$c,sessionId:$s,email:"bob@example.com"){token}}'
const RESEND = 'mutation($s:String!){resend2Fa(sessionId:$s,email:"bob@example.com"){sessionId}}'

const latestCode = () => mock.outbox.latest({ to: BOB.email, purpose: 'platform.login_2fa' })?.code ?? null

describe('resends buy no guesses (point 3)', () => {
  it('4 wrong codes, resend, repeat: the fifth wrong code ends the login, a resend does not revive it', async () => {
    const sessionId = ((await gql(LOGIN)).data?.['login'] as { sessionId: string }).sessionId
    const answers: unknown[] = []
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 4; i++) answers.push(...codes(await gql(CONFIRM, { c: wrongCode(latestCode()), s: sessionId })))
      answers.push(...codes(await gql(RESEND, { s: sessionId })))
      if (round >= 2) break // the pattern is settled: everything after is refused
    }
    const invalid = answers.filter((code) => code === 'INVALID_CODE').length
    expect(invalid).toBe(4) // the fifth wrong code exhausts the login's five attempts
    expect(answers.filter((code) => code === 'CODE_ATTEMPTS_EXHAUSTED').length).toBeGreaterThan(5)
    // Even the right code of a resend fails now.
    expect(codes(await gql(CONFIRM, { c: latestCode(), s: sessionId }))).toEqual(['CODE_ATTEMPTS_EXHAUSTED'])
  })

  it('1,000 guesses over fresh logins: at most 20 are checked per hour before RATE_LIMITED', async () => {
    let checked = 0
    let limited = 0
    for (let i = 0; i < 1000 && limited === 0; i++) {
      const login = await gql(LOGIN)
      const sessionId = (login.data?.['login'] as { sessionId: string } | null)?.sessionId
      if (!sessionId) {
        limited += codes(login).filter((code) => code === 'RATE_LIMITED').length
        continue
      }
      for (let g = 0; g < 5; g++) {
        const result = codes(await gql(CONFIRM, { c: wrongCode(latestCode()), s: sessionId }))
        if (result.includes('INVALID_CODE') || (result.includes('CODE_ATTEMPTS_EXHAUSTED') && g === 4)) checked++
        if (result.includes('RATE_LIMITED')) limited++
      }
    }
    expect(limited).toBeGreaterThan(0)
    expect(checked).toBeLessThanOrEqual(20)
  })

  it('otp: registering the phone again re-sends a code but keeps the spent attempts', async () => {
    const { idToken } = await otpLogin(ALICE.email)
    await rest('POST', '/auth/otp/methods/sms', { token: idToken, json: { phone: '612345678', country: 'ES' } })
    const sms = () => mock.outbox.latest({ to: '+34612345678', channel: 'sms' })!.code!
    for (let i = 0; i < 5; i++) expect((await rest('POST', '/auth/otp/code', { token: idToken, otp: wrongCode(sms()), json: { channel: 'SMS' } })).status).toBe(401)
    await rest('POST', '/auth/otp/methods/sms', { token: idToken, json: { phone: '612345678', country: 'ES' } })
    expect((await rest('POST', '/auth/otp/code', { token: idToken, otp: sms(), json: { channel: 'SMS' } })).status).toBe(401)
  })
})
