/**
 * `portcullis/mock/browser`: run the mock backend inside the page through msw's service worker.
 * Copy msw's worker script first (`npx msw init <dev-only dir>`), and load this entry only in
 * development (`if (import.meta.env.DEV) await import('portcullis/mock/browser')`): see the README.
 */
import type { setupWorker } from 'msw/browser'
import { createHandlers } from './handlers'
import { createMockBackend, type MockBackend, type MockBackendOptions } from './index'
import { optionsFingerprint, persistState, type MockPersistence, type PersistOptions } from './persist'

type Worker = ReturnType<typeof setupWorker>
export type WorkerStartOptions = Parameters<Worker['start']>[0]

export interface StartMockWorkerOptions extends MockBackendOptions {
  /**
   * Keep the mock's state across reloads in the page's IndexedDB (default `true`): sessions,
   * pending challenges, signing key, outbox … survive, so a reload keeps the user signed in.
   * `false` starts from the seed on every load and saves nothing. Ignored with `backend`.
   */
  persist?: boolean | PersistOptions
  /** No console line per mocked request, nor msw's start banner (default `true`). */
  quiet?: boolean
  /** Passed to `worker.start()` over the defaults `{ onUnhandledRequest: 'bypass', quiet }`, so the app's own requests are untouched. */
  start?: WorkerStartOptions
}

export interface MockWorker {
  worker: Worker
  /** The backend; its `reset()` also replaces the saved state with the seeded one. */
  mock: MockBackend
  /** The saved state's controls; `null` with `persist: false`. */
  persistence: MockPersistence | null
  /** Stops the worker and saving (what is pending is written first). */
  stop(): Promise<void>
}

/** Creates the mock backend (loading the saved state) and starts an msw worker serving it. msw/browser is loaded only here. */
export async function startMockWorker(options: StartMockWorkerOptions = {}): Promise<MockWorker> {
  const { start, persist = true, quiet = true, ...backendOptions } = options
  const created = createMockBackend(backendOptions)
  await created.ready()
  const persistence =
    persist === false || backendOptions.backend
      ? null
      : await persistState(created.state, await optionsFingerprint(backendOptions), persist === true ? {} : persist)

  // Every answered request may have changed the state (a session, a code, the request log): save soon after.
  const handlers = persistence
    ? createHandlers({
        ...created.backend,
        handle: async (request) => {
          const response = await created.backend.handle(request)
          if (response) persistence.schedule()
          return response
        },
      })
    : created.handlers
  const mock: MockBackend = {
    ...created,
    handlers,
    async reset() {
      await created.reset()
      persistence?.schedule()
      await persistence?.flush()
    },
  }

  const { setupWorker } = await import('msw/browser')
  const worker = setupWorker(...handlers)
  await worker.start({ onUnhandledRequest: 'bypass', quiet, ...start })
  return {
    worker,
    mock,
    persistence,
    async stop() {
      worker.stop()
      await persistence?.stop()
    },
  }
}

export { clearMockState, type MockPersistence, type PersistOptions } from './persist'
export { createMockBackend, type MockBackend, type MockBackendOptions } from './index'
export { DEMO_PASSWORD, DEMO_TOTP_SECRET, demoUsers } from './demo-users'
