import { pathMatches } from './path-match'
import { uuid } from './random'
import type { ActiveFault, FaultRule, FaultStore } from './types'

/** Fault rules queued by `POST /__mock/faults`; each fails its next `times` matching requests. */
export class MemoryFaultStore implements FaultStore {
  private rules: ActiveFault[] = []

  add(rule: FaultRule): ActiveFault {
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
