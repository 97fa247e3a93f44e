/** Surface-private maps (pending logins, interactions ...), created on first use and dropped on reset. */
export class Scratch {
  private readonly entries = new Map<string, unknown>()

  get<T>(name: string, create: () => T): T {
    if (!this.entries.has(name)) this.entries.set(name, create())
    return this.entries.get(name) as T
  }

  clear(): void {
    this.entries.clear()
  }
}
