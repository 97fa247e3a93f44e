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
/** Options of msw's `worker.start()`. */
export type WorkerStartOptions = Parameters<Worker['start']>[0]

/** Options of `startMockWorker`: the mock's own plus how to start the worker. */
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

/** A started in-page mock: the msw worker and the backend it serves. */
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

/**
 * Shows the mock console (`GET /__mock/`) in this page, in a frame appended to `parent`. msw's
 * worker never answers page navigations, so opening `/__mock/` in a tab reaches the real server:
 * the page is fetched through the worker instead and shown in a same-origin `srcdoc` frame,
 * whose own control calls the worker answers like the app's.
 *
 * @example
 * ```ts
 * const { mock } = await startMockWorker()
 * if (location.hash === '#mock-console') await showMockConsole()
 * ```
 */
export async function showMockConsole(parent: HTMLElement = document.body): Promise<HTMLIFrameElement> {
  const response = await fetch('/__mock/', { cache: 'no-store' })
  if (!response.ok) throw new Error(`GET /__mock/ answered ${response.status}: is the mock worker started?`)
  const frame = document.createElement('iframe')
  frame.title = 'Portcullis mock console'
  frame.style.cssText = 'display:block;width:100%;height:100vh;border:0'
  frame.srcdoc = await response.text()
  parent.append(frame)
  return frame
}

export { clearMockState, type MockPersistence, type PersistOptions } from './persist'
export { createMockBackend, type MockBackend, type MockBackendOptions } from './index'
export { DEMO_PASSWORD, DEMO_TOTP_SECRET, demoUsers } from './demo-users'
