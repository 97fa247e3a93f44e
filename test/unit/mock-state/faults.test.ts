import { describe, expect, it } from 'vitest'
import { MemoryFaultStore } from '../../../mocks/state/faults'

const req = (path: string, method = 'POST', operationName: string | null = null) => ({ method, path, operationName })

describe('FaultStore', () => {
  it('a rule fails the next matching request once by default', () => {
    const faults = new MemoryFaultStore()
    faults.add({ path: '/auth/login', status: 503 })
    expect(faults.take(req('/auth/other'))).toBeUndefined()
    expect(faults.take(req('/auth/login'))).toMatchObject({ status: 503, remaining: 0 })
    expect(faults.take(req('/auth/login'))).toBeUndefined()
    expect(faults.list()).toEqual([])
  })

  it('times counts matching requests; a trailing * matches a prefix', () => {
    const faults = new MemoryFaultStore()
    faults.add({ path: '/auth/*', networkError: true, times: 2 })
    expect(faults.take(req('/auth/login'))).toMatchObject({ networkError: true, remaining: 1 })
    expect(faults.list()).toHaveLength(1)
    expect(faults.take(req('/auth/login/refresh'))).toMatchObject({ remaining: 0 })
    expect(faults.take(req('/auth/login'))).toBeUndefined()
  })

  it('method and operationName narrow the match', () => {
    const faults = new MemoryFaultStore()
    faults.add({ path: '/api/graphql', method: 'POST', operationName: 'Login', status: 500 })
    expect(faults.needsOperationName()).toBe(true)
    expect(faults.take(req('/api/graphql', 'GET', 'Login'))).toBeUndefined()
    expect(faults.take(req('/api/graphql', 'POST', 'NewToken'))).toBeUndefined()
    expect(faults.take(req('/api/graphql', 'post', 'Login'))).toMatchObject({ status: 500 })
    expect(faults.needsOperationName()).toBe(false)
  })

  it('rules apply in the order they were added; clear drops them all', () => {
    const faults = new MemoryFaultStore()
    faults.add({ path: '/x', status: 500 })
    faults.add({ path: '/x', status: 502 })
    expect(faults.take(req('/x'))?.status).toBe(500)
    expect(faults.take(req('/x'))?.status).toBe(502)
    faults.add({ path: '/x', status: 500, times: 5 })
    faults.clear()
    expect(faults.take(req('/x'))).toBeUndefined()
  })
})
