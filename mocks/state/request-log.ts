import { pathMatches } from './path-match'
import type { Clock, RequestLog, RequestLogEntry } from './types'

/**
 * What the backend received, oldest first. Only method, path (never the query string, which may
 * carry tokens), operation name and status are kept. Bounded so a long dev session cannot grow it
 * without limit.
 */
/** An entry as kept: its time as a number, formatted only when someone lists the log. */
interface Kept {
  readonly method: string
  readonly path: string
  readonly operationName: string | null
  readonly status: number
  readonly at: number | string
}

export class MemoryRequestLog implements RequestLog {
  private entries: Kept[] = []

  constructor(
    private readonly clock: Clock,
    /** Entries kept (`limits.requestLogEntries`); the oldest go first. */
    private readonly limit: () => number = () => 1000,
  ) {}

  size(): number {
    return this.entries.length
  }

  record(entry: Omit<RequestLogEntry, 'at'> & { at?: string }): void {
    this.entries.push({ method: entry.method, path: entry.path, operationName: entry.operationName, status: entry.status, at: entry.at ?? this.clock.now() })
    const over = this.entries.length - this.limit()
    // One over the cap is the steady state: shift() drops it in place, where splice(0, 1) copies
    // the whole list (µs and garbage on every request once the list is full).
    if (over === 1) this.entries.shift()
    else if (over > 1) this.entries.splice(0, over)
  }

  list(filter: { path?: string; method?: string } = {}): RequestLogEntry[] {
    const method = filter.method?.toUpperCase()
    return this.entries
      .filter((e) => (filter.path === undefined || pathMatches(filter.path, e.path)) && (method === undefined || e.method === method))
      .map((e) => Object.freeze({ ...e, at: typeof e.at === 'string' ? e.at : new Date(e.at).toISOString() }))
  }

  clear(): void {
    this.entries = []
  }

  /** Replaces the entries with saved ones (`list()` gives them), oldest first. */
  load(entries: readonly RequestLogEntry[]): void {
    this.entries = entries.map((entry) => ({ ...entry }))
  }
}
