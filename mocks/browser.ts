/**
 * `portcullis/mock/browser`: run the mock backend inside the page through msw's service worker.
 * Copy msw's worker script first (`npx msw init public/`).
 */
import type { setupWorker } from 'msw/browser'
import { createMockBackend, type MockBackend, type MockBackendOptions } from './index'

type Worker = ReturnType<typeof setupWorker>
/** Options of msw's `worker.start()`. */
export type WorkerStartOptions = Parameters<Worker['start']>[0]

/** Options of `startMockWorker`: the mock's own plus how to start the worker. */
export interface StartMockWorkerOptions extends MockBackendOptions {
  /** Passed to `worker.start()`; default `{ onUnhandledRequest: 'bypass' }` so the app's own requests are untouched. */
  start?: WorkerStartOptions
}

/** A started in-page mock: the msw worker and the backend it serves. */
export interface MockWorker {
  worker: Worker
  mock: MockBackend
  /** Stops the worker: requests reach the network again. */
  stop(): void
}

/** Creates the mock backend and starts an msw worker serving it. msw/browser is loaded only here. */
export async function startMockWorker(options: StartMockWorkerOptions = {}): Promise<MockWorker> {
  const { start, ...backendOptions } = options
  const mock = createMockBackend(backendOptions)
  const { setupWorker } = await import('msw/browser')
  const worker = setupWorker(...mock.handlers)
  await worker.start(start ?? { onUnhandledRequest: 'bypass' })
  await mock.ready()
  return { worker, mock, stop: () => worker.stop() }
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

export { createMockBackend, type MockBackend, type MockBackendOptions } from './index'
export { DEMO_PASSWORD, DEMO_TOTP_SECRET, demoUsers } from './demo-users'
