import { pathMatches } from './path-match'
import { uuid } from './random'
import { MockInputError, type ActiveFault, type FaultRule, type FaultStore } from './types'

/** Fault rules queued by `POST /__mock/faults`; each fails its next `times` matching requests. */
export class MemoryFaultStore implements FaultStore {
  private rules: ActiveFault[] = []

  /** `cap`: rules queued at most (`limits.faultRules`); adding past it throws `MockInputError` (`too_many_faults`). */
  constructor(private readonly cap: () => number = () => Number.POSITIVE_INFINITY) {}

  /** Whether `count` more rules fit under the cap. */
  fits(count: number): boolean {
    return this.rules.length + count <= this.cap()
  }

  add(rule: FaultRule): ActiveFault {
    if (!this.fits(1)) throw new MockInputError('too_many_faults', `At most ${this.cap()} fault rules may be queued; clear them with DELETE /__mock/faults.`)
    const active: ActiveFault = { ...structuredClone(rule), id: uuid(), remaining: rule.times ?? 1 }
    this.rules.push(active)
    return { ...active }
  }

  take(request: { method: string; path: string; operationName: string | null }): ActiveFault | undefined {
    const index = this.rules.findIndex(
      (rule) =>
        pathMatches(rule.path, request.path) &&
        (rule.method === undefined || rule.method.toUpperCase() === request.method.toUpperCase()) &&
        (rule.operationName === undefined || rule.operationName === request.operationName),
    )
    const rule = this.rules[index]
    if (!rule) return undefined
    rule.remaining -= 1
    if (rule.remaining <= 0) this.rules.splice(index, 1)
    return { ...rule }
  }

  /** No rule is set (the usual case: a request need not be matched against any). */
  empty(): boolean {
    return this.rules.length === 0
  }

  needsOperationName(): boolean {
    return this.rules.some((rule) => rule.operationName !== undefined)
  }

  list(): ActiveFault[] {
    return this.rules.map((rule) => ({ ...rule }))
  }

  clear(): void {
    this.rules = []
  }
}
