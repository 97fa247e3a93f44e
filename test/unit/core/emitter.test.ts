import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEmitter } from '../../../src/core/emitter'

interface Events {
  a: number
  b: string
}

afterEach(() => vi.unstubAllGlobals())

describe('emitter', () => {
  it('delivers to listeners and unsubscribes', () => {
    const events = createEmitter<Events>()
    const seen: number[] = []
    const off = events.on('a', (n) => void seen.push(n))
    events.emit('a', 1)
    off()
    events.emit('a', 2)
    expect(seen).toEqual([1])
    expect(events.has('a')).toBe(false)
  })

  it('a throwing or rejecting listener does not stop the others or the emitter', async () => {
    const reported: unknown[] = []
    vi.stubGlobal('reportError', (error: unknown) => reported.push(error))
    const events = createEmitter<Events>()
    const seen: number[] = []
    events.on('a', () => {
      throw new Error('sync boom')
    })
    events.on('a', async () => {
      throw new Error('async boom')
    })
    events.on('a', (n) => void seen.push(n))
    expect(() => events.emit('a', 1)).not.toThrow()
    await Promise.resolve()
    expect(seen).toEqual([1])
    expect(reported.map((e) => (e as Error).message).sort()).toEqual(['async boom', 'sync boom'])
  })

  it('delivers events emitted by a listener after the current one, in order', () => {
    const events = createEmitter<Events>()
    const log: string[] = []
    events.on('a', (n) => {
      log.push(`a${n}:1`)
      if (n === 1) events.emit('b', 'x')
    })
    events.on('a', (n) => void log.push(`a${n}:2`))
    events.on('b', (s) => void log.push(`b${s}`))
    events.emit('a', 1)
    expect(log).toEqual(['a1:1', 'a1:2', 'bx'])
  })
})
