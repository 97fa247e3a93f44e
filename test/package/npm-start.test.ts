/**
 * `npm start` runs the mock through a shell and tsx. A SIGTERM or SIGINT to npm must reach the
 * server: a shell that does not pass the signal on would leave tsx and the mock holding the port.
 */
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')

describe('npm start forwards signals to the mock', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s: npm exits and nothing listens on the port any more', async (signal) => {
    const npm = spawn('npm', ['start', '--silent', '--', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<void>((done) => npm.once('exit', () => done()))
    const url = await new Promise<string>((found, reject) => {
      npm.once('exit', (code) => reject(new Error(`npm start exited early (${code})`)))
      createInterface({ input: npm.stdout! }).on('line', (line) => {
        const match = /^Portcullis mock listening on (\S+)/.exec(line)
        if (match) found(match[1]!)
      })
    })
    expect((await fetch(`${url}/.well-known/jwks.json`)).status).toBe(200)
    npm.kill(signal)
    await exited
    // The mock closes its server before it exits, so once npm is gone the port is free.
    await expect(fetch(`${url}/.well-known/jwks.json`)).rejects.toThrow()
  }, 60_000)
})
