/**
 * Point 7: unbounded state. After 20k logins by one user a `changePassword` took 23 s (every
 * session scanned) and blocked other requests; the outbox and fault rules grew without a cap.
 * Now sessions are indexed and capped per user, revocation visits only the user's own sessions
 * (counted, not timed: `npm run bench:mock` reports the time at 10,000 sessions), and the outbox,
 * request log and fault rules keep within their caps after 5,000 messages.
 */
import { describe, expect, it, vi } from 'vitest'
import type { RevokedSessions } from '../../mocks'
import { ALICE, codes, gql, otpLogin, platformLogin, setConfig, useSecurityMock } from './support'

const { mock } = useSecurityMock()

describe('bounded, indexed state (point 7)', () => {
  it('revoking a user’s sessions visits that user’s entries only, with 10,000 other sessions around', async () => {
    await mock.ready()
    const tokens = mock.state.tokens
    for (let i = 0; i < 10_000; i++) tokens.startSession({ userId: `someone-else-${i}`, surface: 'otp', amr: ['pwd'] })
    const mine = [await platformLogin(ALICE.email), await platformLogin(ALICE.email)]
    await otpLogin(ALICE.email)

    const spy = vi.spyOn(tokens, 'revokeUserSessions')
    const changed = await gql('mutation{changePassword(oldPassword:"portcullis-demo",newPassword:"a-new-password-1"){token}}', {}, { token: mine[0]!.token })
    expect(codes(changed)).toEqual([])
    const result = spy.mock.results[0]?.value as RevokedSessions
    spy.mockRestore()
    expect(result.visited).toBe(3) // two platform sessions and one otp session: nobody else's
    expect(result.revoked).toHaveLength(3)
    expect(tokens.size().sessions).toBe(10_000 + 4) // the others, alice's three (revoked) and her new one
  })

  it('one user signing in 300 times keeps at most limits.sessionsPerUser (100) sessions', async () => {
    for (let i = 0; i < 300; i++) await otpLogin(ALICE.email)
    expect(mock.state.tokens.userSessions(ALICE.id)).toHaveLength(100)
    expect(mock.state.tokens.size().refreshTokens).toBeLessThanOrEqual(100)
  })

  it('platform logins past the cap leave no per-session bookkeeping behind', async () => {
    await setConfig({ limits: { sessionsPerUser: 20 } })
    for (let i = 0; i < 60; i++) await platformLogin(ALICE.email)
    expect(mock.state.tokens.userSessions(ALICE.id)).toHaveLength(20)
    expect(mock.state.scratch('platform.sessions', () => new Map()).size).toBe(20)
  })

  it('the outbox, request log and fault rules stay within their caps after 5,000 messages', async () => {
    for (let i = 0; i < 5000; i++) {
      mock.outbox.send({ channel: 'sms', to: `+3460000${String(i).padStart(4, '0')}`, purpose: 'test.flood', subject: 's', body: 'b', code: '000000', token: null })
    }
    expect(mock.outbox.size()).toBe(1000)
    expect(mock.outbox.list().at(-1)?.to).toBe('+34600004999') // the newest are kept

    for (let i = 0; i < 1200; i++) await fetch('http://mock.test/.well-known/jwks.json')
    expect(mock.requests.size()).toBe(1000)

    const statuses: number[] = []
    for (let i = 0; i < 150; i++) {
      const reply = await fetch('http://mock.test/__mock/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: `/nowhere/${i}`, status: 503 }) })
      statuses.push(reply.status)
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(100)
    expect(statuses.slice(100).every((s) => s === 400)).toBe(true)
    expect(mock.faults.list()).toHaveLength(100)
  })

  it('the caps are settings: PUT /__mock/config changes them, range-checked', async () => {
    const put = (patch: unknown) => fetch('http://mock.test/__mock/config', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) })
    expect((await put({ limits: { outboxMessages: 10 } })).status).toBe(200)
    for (let i = 0; i < 50; i++) mock.outbox.send({ channel: 'email', to: 'x@example.com', purpose: 'p', subject: 's', body: 'b', code: null, token: null })
    expect(mock.outbox.size()).toBe(10)
    expect((await put({ limits: { outboxMessages: 0 } })).status).toBe(400)
    expect((await put({ limits: { sessionsPerUser: 1e9 } })).status).toBe(400)
  })
})
