/**
 * A tiny typed event emitter. Listeners are never awaited and their errors never reach the
 * emitter's caller, so a slow or broken listener cannot stall or break the client; events
 * emitted by a listener are delivered after the current one, in order.
 */
export type Listener<T> = (payload: T) => unknown

export interface Emitter<Events> {
  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void
  emit<K extends keyof Events>(name: K, payload: Events[K]): void
  has(name: keyof Events): boolean
  clear(): void
}

const report = (error: unknown): void => {
  // reportError surfaces it like an uncaught error without unwinding anything (browsers, Deno, Bun).
  const sink = (globalThis as { reportError?: (error: unknown) => void }).reportError ?? console.error
  sink(error)
}

export function createEmitter<Events>(): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<Listener<never>>>()
  const queue: Array<[keyof Events, unknown]> = []
  let dispatching = false

  return {
    on(name, listener) {
      let set = listeners.get(name)
      if (!set) listeners.set(name, (set = new Set()))
      set.add(listener as Listener<never>)
      return () => void set.delete(listener as Listener<never>)
    },
    emit(name, payload) {
      queue.push([name, payload])
      if (dispatching) return
      dispatching = true
      try {
        for (let next = queue.shift(); next; next = queue.shift()) {
          // A copy, so a listener that unsubscribes (or subscribes) does not disturb this round.
          for (const listener of [...(listeners.get(next[0]) ?? [])]) {
            try {
              const result = (listener as Listener<unknown>)(next[1])
              if (result instanceof Promise) result.catch(report)
            } catch (error) {
              report(error)
            }
          }
        }
      } finally {
        dispatching = false
      }
    },
    has: (name) => (listeners.get(name)?.size ?? 0) > 0,
    clear: () => listeners.clear(),
  }
}
