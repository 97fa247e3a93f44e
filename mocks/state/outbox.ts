import { uuid } from './random'
import type { Channel, Clock, Outbox, OutboxMessage } from './types'

/** Everything the backend "sent", oldest first, so tests can read codes and link tokens back. */
export class MemoryOutbox implements Outbox {
  private messages: OutboxMessage[] = []

  constructor(
    private readonly clock: Clock,
    /** Messages kept (`limits.outboxMessages`); the oldest go first. */
    private readonly cap: () => number = () => Number.POSITIVE_INFINITY,
  ) {}

  send(message: Omit<OutboxMessage, 'id' | 'createdAt'>): OutboxMessage {
    const stored: OutboxMessage = Object.freeze({ ...message, id: uuid(), createdAt: new Date(this.clock.now()).toISOString() })
    this.messages.push(stored)
    const over = this.messages.length - this.cap()
    // One over the cap is the steady state: shift() drops it in place, where splice(0, 1) copies
    // the whole list (µs and garbage on every request once the list is full).
    if (over === 1) this.messages.shift()
    else if (over > 1) this.messages.splice(0, over)
    return stored
  }

  size(): number {
    return this.messages.length
  }

  list(filter: { to?: string; channel?: Channel; purpose?: string } = {}): OutboxMessage[] {
    // Email addresses compare case-insensitively; phone numbers are compared as written.
    const to = filter.to?.trim().toLowerCase()
    return this.messages.filter(
      (m) =>
        (to === undefined || m.to.toLowerCase() === to) &&
        (filter.channel === undefined || m.channel === filter.channel) &&
        (filter.purpose === undefined || m.purpose === filter.purpose),
    )
  }

  /** The newest message matching the filter (what a test usually wants). */
  latest(filter: { to?: string; channel?: Channel; purpose?: string } = {}): OutboxMessage | undefined {
    return this.list(filter).at(-1)
  }

  clear(): void {
    this.messages = []
  }

  /** Replaces the messages with saved ones (`list()` gives them), oldest first. */
  load(messages: readonly OutboxMessage[]): void {
    this.messages = messages.map((message) => Object.freeze({ ...message }))
  }
}
