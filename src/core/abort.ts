/** Waits that honour an AbortSignal and a deadline. The awaited work itself goes on. */
import { timeoutError } from './errors'

/** Settles as `promise`, or rejects with `signal.reason` as soon as the signal aborts. */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal | null): Promise<T> {
  if (!signal) return promise
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    if (signal.aborted) onAbort()
    signal.addEventListener('abort', onAbort)
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** `abortable`, and a transient `timeout` error once `ms` have passed. */
export function withDeadline<T>(promise: Promise<T>, ms: number, signal?: AbortSignal | null): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(timeoutError()), ms)))
  return abortable(Promise.race([promise, late]), signal).finally(() => clearTimeout(timer))
}
