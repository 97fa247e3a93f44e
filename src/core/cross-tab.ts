/**
 * Coordination between tabs (or clients) sharing one storage key: a Web Lock so only one of them
 * refreshes at a time, and a BroadcastChannel so the others hear about sign-in, refresh and
 * sign-out. Both are optional platform features; without them each client works alone.
 * Messages carry no tokens: a receiver re-reads storage.
 */

/** Give up waiting for a lock held this long (a frozen tab, a hung request) and go on without it. */
const LOCK_WAIT_MS = 10_000

export type Lock = <T>(task: () => Promise<T>) => Promise<T>

interface LockManagerLike {
  request<T>(name: string, options: { signal?: AbortSignal }, task: () => Promise<T>): Promise<T>
}

/** Runs `task` under the exclusive Web Lock `name` when `navigator.locks` exists (looked up per call). */
export function webLock(name: string): Lock {
  return (task) => {
    const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks
    if (!locks) return task()
    let granted = false
    const signal = AbortSignal.timeout?.(LOCK_WAIT_MS)
    return locks
      .request(name, signal ? { signal } : {}, () => {
        granted = true
        return task()
      })
      .catch((error: unknown) => {
        if (granted) throw error
        return task()
      })
  }
}

export const noLock: Lock = (task) => task()

export type ChannelMessage = 'signedIn' | 'tokenRefreshed' | 'signedOut'

export interface Channel {
  post(message: ChannelMessage): void
  close(): void
}

/** A BroadcastChannel, or null where there is none. */
export function openChannel(name: string, onMessage: () => void): Channel | null {
  if (typeof BroadcastChannel !== 'function') return null
  const channel = new BroadcastChannel(name)
  let open = true
  channel.onmessage = onMessage
  // Node: a channel must not keep the process alive.
  ;(channel as { unref?: () => void }).unref?.()
  return {
    post: (message) => open && channel.postMessage(message),
    close() {
      open = false
      channel.close()
    },
  }
}
