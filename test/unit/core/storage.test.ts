import { describe, expect, it, vi, afterEach } from 'vitest'
import { defaultStorage, memoryStorage, webStorage } from '../../../src/core/storage'
import { fakeWebStorage } from './fakes'

afterEach(() => vi.unstubAllGlobals())

describe('memoryStorage', () => {
  it('keeps items per instance', async () => {
    const a = memoryStorage()
    const b = memoryStorage()
    await a.setItem('k', 'v')
    expect(await a.getItem('k')).toBe('v')
    expect(await b.getItem('k')).toBeNull()
    await a.removeItem('k')
    expect(await a.getItem('k')).toBeNull()
  })
})

describe('webStorage', () => {
  it('reads and writes through a Storage', async () => {
    const backing = fakeWebStorage()
    const storage = webStorage(backing)
    await storage.setItem('k', 'v')
    expect(backing.items.get('k')).toBe('v')
    expect(await storage.getItem('k')).toBe('v')
    await storage.removeItem('k')
    expect(backing.items.has('k')).toBe(false)
  })

  it('lets Storage errors surface to the session store, which decides what they mean', () => {
    const backing = fakeWebStorage()
    backing.knobs.failWrites = true
    expect(() => webStorage(backing).setItem('k', 'v')).toThrow()
  })
})

describe('defaultStorage', () => {
  it('is memory outside a browser (nothing persists on a server by surprise)', async () => {
    const storage = defaultStorage()
    await storage.setItem('k', 'v')
    expect(await storage.getItem('k')).toBe('v')
    expect(await defaultStorage().getItem('k')).toBeNull()
  })

  it('is localStorage in a browser page', () => {
    const local = fakeWebStorage()
    vi.stubGlobal('document', {})
    vi.stubGlobal('localStorage', local)
    defaultStorage().setItem('k', 'v')
    expect(local.items.get('k')).toBe('v')
  })

  it('falls back to memory when localStorage access throws', () => {
    vi.stubGlobal('document', {})
    Object.defineProperty(globalThis, 'localStorage', { configurable: true, get: () => { throw new Error('SecurityError') } })
    try {
      expect(() => defaultStorage()).not.toThrow()
    } finally {
      delete (globalThis as { localStorage?: unknown }).localStorage
    }
  })
})
