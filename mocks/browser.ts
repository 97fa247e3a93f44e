/**
 * `portcullis/mock/browser`: run the mock backend inside the page through msw's service worker.
 * Copy msw's worker script first (`npx msw init public/`).
 */
import type { setupWorker } from 'msw/browser'
import { createMockBackend, type MockBackend, type MockBackendOptions } from './index'

type Worker = ReturnType<typeof setupWorker>
export type WorkerStartOptions = Parameters<Worker['start']>[0]

export interface StartMockWorkerOptions extends MockBackendOptions {
  /** Passed to `worker.start()`; default `{ onUnhandledRequest: 'bypass' }` so the app's own requests are untouched. */
  start?: WorkerStartOptions
}

export interface MockWorker {
  worker: Worker
  mock: MockBackend
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

export { createMockBackend, type MockBackend, type MockBackendOptions } from './index'
export { DEMO_PASSWORD, DEMO_TOTP_SECRET, demoUsers } from './demo-users'
