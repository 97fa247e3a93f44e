/**
 * Page for test/browser/mock-console-worker.test.ts: starts the mock in msw's worker, checks that
 * `GET /__mock/` answers through it, starts a 2FA sign-in and shows the console in a frame
 * (`showMockConsole`). The suite then drives the frame; the page exposes its in-page state.
 */
import { AuthClient } from '../../../src/index'
import { platformApi } from '../../../src/platform'
import { DEMO_PASSWORD, showMockConsole, startMockWorker } from '../../../mocks/browser'
import { pageFailure } from './report'

declare global {
  interface Window {
    consoleWorker?: { ok: true; status: number; type: string | null; mockNow: () => number; outboxCode: () => string | null } | { ok: false; error: string }
  }
}

async function run(): Promise<void> {
  const { mock } = await startMockWorker({ start: { onUnhandledRequest: 'bypass', quiet: true } })
  const page = await fetch('/__mock/')
  const auth = new AuthClient({ baseUrl: location.origin, api: platformApi() })
  const result = await auth.signIn({ email: 'bob@example.com', password: DEMO_PASSWORD })
  if (result.status !== 'challenge') throw new Error(`expected a challenge, got ${result.status}`)
  await showMockConsole()
  window.consoleWorker = {
    ok: true,
    status: page.status,
    type: page.headers.get('content-type'),
    mockNow: () => mock.clock.now(),
    outboxCode: () => mock.outbox.latest({ to: 'bob@example.com' })?.code ?? null,
  }
}

run().catch((error: unknown) => {
  window.consoleWorker = pageFailure(error)
})
