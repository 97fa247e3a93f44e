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

  /** Every entry by name (the browser mock saves them); the values are the live ones. */
  dump(): Array<[string, unknown]> {
    return [...this.entries]
  }

  /** Replaces every entry with saved ones. */
  load(entries: ReadonlyArray<readonly [string, unknown]>): void {
    this.entries.clear()
    for (const [name, value] of entries) this.entries.set(name, value)
  }
}

/** Entries of one page load only: password checks in flight are promises nobody will settle after a reload. */
const TRANSIENT = new Set(['password-checks-in-flight'])

/** How a settled promise is written in a dump (a promise itself cannot be stored). */
const SETTLED = '__portcullisSettledPromise'

const isPlainObject = (value: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * Copies `value` through Maps, Sets, arrays and plain objects, passing every other value to
 * `leaf`. A container met twice is copied once, so records shared between maps stay shared.
 */
function copyDeep(value: unknown, leaf: (value: unknown) => unknown, seen = new Map<object, unknown>()): unknown {
  if (value === null || typeof value !== 'object') return leaf(value)
  if (seen.has(value)) return seen.get(value)
  const copy = (): unknown => {
    const deep = (child: unknown) => copyDeep(child, leaf, seen)
    if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, deep(v)]))
    if (value instanceof Set) return new Set([...value].map(deep))
    if (Array.isArray(value)) return value.map(deep)
    if (!isPlainObject(value) || SETTLED in value) return leaf(value)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v)]))
  }
  const result = copy()
  seen.set(value, result)
  return result
}

/**
 * The scratch entries as storable data: every promise inside (say a key still being imported) is
 * awaited, then the entries are copied in one synchronous step with each promise replaced by its
 * value. An entry holding a rejected promise, or one made while waiting, is left out this time.
 */
export async function settleScratch(entries: ReadonlyArray<readonly [string, unknown]>): Promise<Array<[string, unknown]>> {
  const kept = entries.filter(([name]) => !TRANSIENT.has(name))
  const promises: Array<Promise<unknown>> = []
  copyDeep(kept, (value) => void (value instanceof Promise && promises.push(value)))
  const values = new Map<Promise<unknown>, unknown>()
  await Promise.all(promises.map((promise) => promise.then((value) => void values.set(promise, value), () => undefined)))
  const settled: Array<[string, unknown]> = []
  const seen = new Map<object, unknown>()
  for (const [name, value] of kept) {
    let complete = true
    const copy = copyDeep(
      value,
      (leaf) => {
        if (!(leaf instanceof Promise)) return leaf
        if (!values.has(leaf)) complete = false
        return { [SETTLED]: values.get(leaf) }
      },
      seen,
    )
    if (complete) settled.push([name, copy])
  }
  return settled
}

/** The inverse of `settleScratch`: settled values become resolved promises again. */
export function unsettleScratch(entries: ReadonlyArray<readonly [string, unknown]>): Array<[string, unknown]> {
  const seen = new Map<object, unknown>()
  const revive = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object' || !isPlainObject(value) || !(SETTLED in value)) return value
    return Promise.resolve((value as Record<string, unknown>)[SETTLED])
  }
  return entries.map(([name, value]) => [name, copyDeep(value, revive, seen)])
}
