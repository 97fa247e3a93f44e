/**
 * Coordination between tabs (or clients) sharing one storage key: a Web Lock so only one of them
 * refreshes at a time, and a BroadcastChannel so the others hear about sign-in, refresh and
 * sign-out. Both are optional platform features; without them each client works alone.
 * Messages carry no tokens: a receiver re-reads storage.
 */
import { timeoutError } from './errors'

/**
 * Stop waiting for a lock held this long (a frozen tab) with a transient error. Never go on
 * without it: the holder may be rotating the very refresh token this tab would send. A
 * holder's refresh is bounded by its own timeout, so a live tab releases it much sooner.
 */
const LOCK_WAIT_MS = 120_000

/** `contended`: another holder had the lock first (so it may just have written storage). */
export type Lock = <T>(task: (contended: boolean) => Promise<T>) => Promise<T>

interface LockManagerLike {
  request<T>(name: string, options: { signal?: AbortSignal; ifAvailable?: boolean }, task: (lock: unknown) => Promise<T> | T): Promise<T>
}

const TAKEN = Symbol('taken')

/** Runs `task` under the exclusive Web Lock `name` when `navigator.locks` exists (looked up per call). */
export function webLock(name: string): Lock {
  return (task) => {
    const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks
    if (!locks) return task(false)
    let granted = false
    const run = <T>(contended: boolean, work: (contended: boolean) => Promise<T>) => {
      granted = true
      return work(contended)
    }
    let signal: AbortSignal | undefined
    return locks
      .request<unknown>(name, { ifAvailable: true }, (lock) => (lock ? run(false, task) : TAKEN))
      .then((result) => {
        if (result !== TAKEN) return result as Awaited<ReturnType<typeof task>>
        signal = AbortSignal.timeout?.(LOCK_WAIT_MS)
        return locks.request(name, signal ? { signal } : {}, () => run(true, task))
      })
      .catch((error: unknown) => {
        if (granted) throw error
        if (signal?.aborted) throw timeoutError()
        // No usable lock manager (e.g. an opaque origin): work as a lone tab.
        return task(false)
      })
  }
}

export const noLock: Lock = (task) => task(false)

export type ChannelMessage = 'signedIn' | 'tokenRefreshed' | 'signedOut'

export interface Channel {
  post(message: ChannelMessage): void
  close(): void
}

/**
 * A BroadcastChannel, or null where there is none. In a page, `storage` events for `storageKey`
 * call `onMessage` too (with `fromStorage` true): a message can overtake the localStorage write it
 * announces (Chromium propagates both between tab processes separately), the event cannot.
 */
export function openChannel(name: string, onMessage: (fromStorage: boolean) => void, storageKey: string): Channel | null {
  if (typeof BroadcastChannel !== 'function') return null
  const channel = new BroadcastChannel(name)
  let open = true
  channel.onmessage = () => onMessage(false)
  // Node: a channel must not keep the process alive.
  ;(channel as { unref?: () => void }).unref?.()
  const target = typeof document === 'object' && typeof addEventListener === 'function' ? globalThis : null
  const onStorage = (event: Event) => {
    const key = (event as StorageEvent).key
    if (key === storageKey || key === null) onMessage(true)
  }
  target?.addEventListener('storage', onStorage)
  return {
    post: (message) => open && channel.postMessage(message),
    close() {
      open = false
      channel.close()
      target?.removeEventListener('storage', onStorage)
    },
  }
}
