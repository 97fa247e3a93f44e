/** The app's one AuthClient: created once, outside React, and handed to <AuthProvider>. */
import { AuthClient } from 'portcullis'
import { platformApi, type PlatformAdapter } from 'portcullis/platform'

export type AppAuth = AuthClient<PlatformAdapter>

/** Where the backend is: the standalone mock (or your real backend), or the page itself when the mock runs in its worker. */
export async function createAuth(): Promise<AppAuth> {
  let baseUrl = import.meta.env.VITE_PORTCULLIS_URL ?? 'http://127.0.0.1:4010'
  // `import.meta.env.DEV` is false in a production build, so the bundler drops this branch and
  // the mock (msw, the backend's state) never ships.
  if (import.meta.env.DEV && import.meta.env.VITE_PORTCULLIS_MOCK === 'worker') {
    const { startMockWorker } = await import('portcullis/mock/browser')
    // quiet: msw would log every request and response (passwords, tokens) to the console.
    await startMockWorker({ start: { onUnhandledRequest: 'bypass', quiet: true } })
    baseUrl = location.origin
  }
  // codeTtlMs: the backend's code lifetime, so the prompt can show when the code stops working.
  return new AuthClient({ baseUrl, api: platformApi({ codeTtlMs: 10 * 60_000 }) })
}
