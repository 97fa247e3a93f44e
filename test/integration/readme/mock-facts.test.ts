/**
 * README § "Tokens, outbox purposes and error texts" against the mock itself: the issuer and
 * audiences are the token service's, every purpose is one the surfaces send, every error text is
 * one of its surface's messages, and the wrong-password row is what each surface answers.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockBackend } from '../../../mocks/index'
import { defaultConfig, SURFACE_AUDIENCES } from '../../../mocks/state'
import { MESSAGES as ACCOUNTS_MESSAGES, throttled } from '../../../mocks/surfaces/accounts/messages'
import { EXPERIENCE_MESSAGES } from '../../../mocks/surfaces/experience'
import { OTP_MESSAGES } from '../../../mocks/surfaces/otp/errors'
import { OTP_PURPOSES } from '../../../mocks/surfaces/otp/handlers'
import { PLATFORM_PURPOSES } from '../../../mocks/surfaces/platform/resolvers/codes'
import { PLATFORM_ERROR_CODES } from '../../../mocks/surfaces/platform/errors'
import { startSession } from '../../support/experience-client'
import { repoRoot } from '../../support/spawn-mock'

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
const section = readme.slice(readme.indexOf('### Tokens, outbox purposes and error texts'), readme.indexOf('### Security limits'))

/** The cells of the section's table rows whose first cell is `first`. */
const rows = (first: string): string[][] =>
  section
    .split('\n')
    .filter((line) => line.startsWith(`| ${first} |`))
    .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| ?| ?\|$/g, '')))
const quoted = (cell: string): string[] => [...cell.matchAll(/"([^"]+)"/g)].map((match) => match[1]!)
/** Messages with their placeholders (`{{relativeTime}}`, a number of seconds) written as the README does. */
const normalize = (text: string): string => text.replace(/\{\{\w+\}\}/g, 'in N minutes').replace(/\d+ seconds/, 'N seconds')

const KNOWN: Record<string, Set<string>> = {
  platform: new Set(Object.values(PLATFORM_ERROR_CODES)),
  accounts: new Set([...Object.values(ACCOUNTS_MESSAGES).map((entries) => entries[0]!.message), normalize(throttled(5)[0]!.message)]),
  otp: new Set(Object.values(OTP_MESSAGES)),
  experience: new Set(Object.values(EXPERIENCE_MESSAGES).map(normalize)),
}
const COLUMNS = ['platform', 'accounts', 'otp', 'experience'] as const
const FAILURES = ['wrong password', 'wrong code', 'expired code', 'no attempts left', 'rate limited']

describe('README: the mock facts', () => {
  it('names the issuer and each surface audience the token service stamps', () => {
    for (const surface of COLUMNS) {
      const [row] = rows(surface).filter((cells) => cells[1]?.startsWith('`https://'))
      expect(row?.[1]).toBe(`\`${defaultConfig().issuer}\``)
      expect(row?.[2]).toMatch(new RegExp(`^\`${SURFACE_AUDIENCES[surface]}\``))
    }
  })

  it('lists the outbox purposes the surfaces send', () => {
    const listed = COLUMNS.flatMap((surface) => rows(surface).flatMap((cells) => [...(cells[1] ?? '').matchAll(/`([a-z_]+\.[a-z_0-9]+)`/g)].map((m) => m[1]!)))
    for (const purpose of [...Object.values(PLATFORM_PURPOSES), ...Object.values(OTP_PURPOSES)]) expect(listed).toContain(purpose)
    const sources = ['accounts/mail.ts', 'accounts/resolvers/registration.ts', 'accounts/resolvers/passwords.ts', 'accounts/resolvers/secondary-email.ts', 'experience/handlers/verification.ts']
      .map((file) => readFileSync(join(repoRoot, 'mocks/surfaces', file), 'utf8'))
      .join('\n')
    for (const purpose of listed.filter((p) => p.startsWith('accounts.') || p.startsWith('experience.'))) {
      const [surface, name] = purpose.split('.')
      // accounts: `accounts.${kind}` with the kind passed to sendActionMail; experience: the literal.
      expect(sources.includes(`'${purpose}'`) || (surface === 'accounts' && sources.includes(`sendActionMail(ctx, user, '${name}'`))).toBe(true)
    }
  })

  it("quotes every error text as its surface's own message", () => {
    for (const failure of FAILURES) {
      const [row] = rows(failure)
      expect(row, failure).toBeDefined()
      COLUMNS.forEach((surface, index) => {
        for (const text of quoted(row![index + 1]!)) expect(KNOWN[surface]!.has(text), `${failure} / ${surface}: "${text}"`).toBe(true)
      })
    }
  })

  describe('the wrong-password row is what each surface answers', () => {
    const BASE = 'http://mock.test'
    const mock = createMockBackend()
    const server = setupServer(...mock.handlers)
    beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
    afterAll(() => server.close())
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
      return { status: response.status, body: (await response.json()) as Record<string, any> }
    }

    it('answers with the texts in the table', async () => {
      const expected = rows('wrong password')[0]!.slice(1).map((cell) => quoted(cell)[0])
      const platform = await post('/api/graphql', { query: 'mutation { login(credentials: { email: "alice@example.com", password: "wrong-password" }) { token } }' })
      const accounts = await post('/graphql', { query: 'mutation { tokenAuth(email: "alice@example.com", password: "wrong-password") { success errors } }' })
      const otp = await post('/auth/login', { email: 'alice@example.com', password: 'wrong-password' })
      const session = await startSession(BASE)
      expect((await session.call('PUT', '/api/experience', { interactionEvent: 'SignIn' })).status).toBe(204)
      const experience = await session.call('POST', '/api/experience/verification/password', { identifier: { type: 'email', value: 'alice@example.com' }, password: 'wrong-password' })
      const experienceBody = experience.body as { message?: string }
      expect([platform.body['errors']?.[0]?.message, accounts.body['data']?.tokenAuth?.errors?.nonFieldErrors?.[0]?.message, otp.body['message'], experienceBody.message]).toEqual(expected)
      expect([otp.status, experience.status]).toEqual([403, 422])
    })
  })
})
