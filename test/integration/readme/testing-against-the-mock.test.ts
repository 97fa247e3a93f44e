import { setupServer } from 'msw/node'
import { AuthClient } from '../../../src/index'
import { createMockBackend } from '../../../mocks/index'
import { platformApi } from '../../../src/platform'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest' // jest: globals, drop this line

const mock = createMockBackend() // { handlers, reset(), outbox, clock, users, config(), faults, requests, ready() }
const server = setupServer(...mock.handlers) // origin-agnostic: any baseUrl works
beforeAll(() => server.listen())
afterEach(() => mock.reset()) // back to the demo users
afterAll(() => server.close())

test('2FA sign-in', async () => {
  const auth = new AuthClient({ baseUrl: 'http://mock.test', api: platformApi() })
  const result = await auth.signIn({ email: 'bob@example.com', password: 'portcullis-demo' })
  expect(result.status).toBe('challenge')
  const mail = mock.outbox.latest({ to: 'bob@example.com', purpose: 'platform.login_2fa' })
  if (result.status === 'challenge') await result.challenge.verify(mail!.code!)
  expect(await auth.getAccessToken()).toMatch(/^ey/)
})
