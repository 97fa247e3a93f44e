/**
 * In-process harness for the experience surface: the whole mock behind msw's `setupServer` on a
 * frozen mock clock, and sign-in pages driven through test/support/experience-client.ts (every
 * response checked against experience.yaml).
 */
import { expect } from 'vitest'
import { createBackend, createMockBackend, type MockBackend } from '../../../mocks/index'
import type { NewUser, User } from '../../../mocks/state/types'
import { controlClient } from '../../support/control'
import { serveMockInProcess } from '../../support/msw-mock'
import type { ApiResult } from '../../support/experience-spec'
import { startSession, type ExperienceSession } from '../../support/experience-client'
import { totp } from '../../support/totp'

export const BASE = 'http://mock.test'
export const PASSWORD = 'correct horse battery staple'
export const MOCK_EPOCH = Date.parse('2031-05-04T10:00:05.000Z')
export const control = controlClient(BASE)

/** The whole backend on a frozen clock, with a cheap password hash (this suite hashes a lot). */
export function useExperienceMock(): MockBackend {
  return serveMockInProcess(createMockBackend({ backend: createBackend({ now: MOCK_EPOCH, frozenClock: true, passwordIterations: 1000 }) }))
}

let counter = 0
export async function createUser(mock: MockBackend, input: Partial<NewUser> = {}): Promise<User> {
  counter += 1
  return mock.state.users.create({ email: `xp${counter}@example.com`, username: `xp_user${counter}`, password: PASSWORD, verified: true, ...input })
}

export const session = (extra?: Record<string, string>): Promise<ExperienceSession> => startSession(BASE, extra)

export function expectError(r: ApiResult, status: number, code: string): void {
  expect(r.status, JSON.stringify(r.body)).toBe(status)
  expect(r.body.code).toBe(code)
}

export function expectOk(r: ApiResult, status = 200): void {
  expect(r.status, JSON.stringify(r.body)).toBe(status)
}

/** A started SignIn / Register / ForgotPassword interaction. */
export async function interaction(event: 'SignIn' | 'Register' | 'ForgotPassword' = 'SignIn', authorize?: Record<string, string>): Promise<ExperienceSession> {
  const s = await session(authorize)
  expectOk(await s.call('PUT', '/api/experience', { interactionEvent: event }), 204)
  return s
}

/** Password record + identification for an existing user. */
export async function identifiedByPassword(user: User, password = PASSWORD, authorize?: Record<string, string>): Promise<ExperienceSession> {
  const s = await interaction('SignIn', authorize)
  const identifier = user.email ? { type: 'email', value: user.email } : { type: 'username', value: user.username }
  const v = await s.call('POST', '/api/experience/verification/password', { identifier, password })
  expectOk(v)
  expectOk(await s.call('POST', '/api/experience/identification', { verificationId: v.body.verificationId }), 204)
  return s
}

export async function totpCode(secret: string, stepOffset = 0): Promise<string> {
  return totp(secret, (await control.now()) + stepOffset * 30_000)
}

/** A verified email-code record in the interaction; resolves with its id. */
export async function verifiedEmail(s: ExperienceSession, email: string, event = 'SignIn'): Promise<string> {
  const sent = await s.call('POST', '/api/experience/verification/verification-code', { identifier: { type: 'email', value: email }, interactionEvent: event })
  expectOk(await s.call('POST', '/api/experience/verification/verification-code/verify', { identifier: { type: 'email', value: email }, verificationId: sent.body.verificationId, code: await latestCode(email) }))
  return sent.body.verificationId
}

/** The code of the newest outbox message to `to`. */
export const latestCode = (to: string): Promise<string> => control.latestCode({ to })
