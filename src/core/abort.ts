/** Waits that honour an AbortSignal, and a deadline for work that might never answer. */
import { timeoutError } from './errors'

/** Settles as `promise`, or rejects with `signal.reason` as soon as the signal aborts (the work itself goes on). */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal | null): Promise<T> {
  if (!signal) return promise
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    if (signal.aborted) onAbort()
    signal.addEventListener('abort', onAbort)
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/**
 * Runs `task` with a signal that aborts after `ms` (reason: an AuthError `timeout`, kind
 * `network`, so it is retried like one) or when `parent` aborts; rejects at that moment even
 * if the task ignores its signal.
 */
export function withDeadline<T>(task: (signal: AbortSignal) => Promise<T>, ms: number, parent: AbortSignal): Promise<T> {
  const controller = new AbortController()
  const stop = (): void => controller.abort(parent.reason)
  const timer = setTimeout(() => controller.abort(timeoutError()), ms)
  parent.addEventListener('abort', stop)
  return abortable(task(controller.signal), controller.signal).finally(() => {
    clearTimeout(timer)
    parent.removeEventListener('abort', stop)
  })
}
