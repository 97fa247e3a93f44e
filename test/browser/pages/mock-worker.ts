/**
 * Page for test/browser/mock-worker.test.ts: starts the mock through `portcullis/mock/browser`
 * (msw's service worker), signs in the demo 2FA user with the emailed code, and reports what it
 * saw on `window.portcullisReport`.
 */
import { AuthClient } from '../../../src/index'
import { createPlatformClient, platformApi, UserProfileDocument } from '../../../src/platform'
import { DEMO_PASSWORD, startMockWorker } from '../../../mocks/browser'
import type { MockWorkerReport } from './globals'
import { pageFailure } from './report'

/** Nothing answers at this host (`.test` never resolves): only the service worker can. */
const BASE_URL = 'http://auth.portcullis.test'

async function run(): Promise<MockWorkerReport> {
  const { mock, stop } = await startMockWorker({ start: { onUnhandledRequest: 'bypass', quiet: true } })
  const auth = new AuthClient({ baseUrl: BASE_URL, api: platformApi() })
  try {
    const result = await auth.signIn({ email: 'bob@example.com', password: DEMO_PASSWORD })
    if (result.status !== 'challenge') throw new Error(`expected a challenge, got ${result.status}`)
    const mail = mock.outbox.latest({ to: 'bob@example.com' })
    if (!mail?.code) throw new Error('no code in the outbox for bob@example.com')
    const verified = await result.challenge.verify(mail.code)
    const token = await auth.getAccessToken()
    const { userProfile } = await createPlatformClient(auth).request(UserProfileDocument)
    const jwks: unknown = await (await fetch(`${BASE_URL}/.well-known/jwks.json`)).json()
    return {
      ok: true,
      controller: navigator.serviceWorker.controller?.scriptURL ?? null,
      signIn: result.status,
      challenge: { kind: result.challenge.kind, methods: [...result.challenge.methods] },
      verified: verified.status,
      session: await auth.getSession(),
      token,
      username: userProfile?.username ?? null,
      jwks,
      stored: localStorage.getItem('portcullis.session') !== null,
      requests: mock.requests.list().map(({ method, path, operationName, status }) => ({ method, path, operationName, status })),
    }
  } finally {
    auth.dispose()
    stop()
  }
}

window.portcullisReport = run().catch(pageFailure)
