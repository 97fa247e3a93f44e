#!/usr/bin/env node
/**
 * `npm run lint:openapi`: Redocly's lint of the REST specs, minus the boxed Node 20 end-of-life
 * notice Redocly CLI 2.x prints on every run under Node 20 (it has no flag or variable to turn it
 * off). Everything else Redocly prints, and its exit code, pass through.
 */
import { spawn } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const redocly = join(root, 'node_modules', '.bin', 'redocly')
const args = ['lint', '--config', 'redocly.yaml', 'schema/openapi/experience.yaml', 'schema/openapi/otp.yaml']

const child = spawn(redocly, args, { cwd: root, stdio: ['ignore', 'inherit', 'pipe'] })
let buffered = ''
let inBox = false
/** Drops the lines from the box's top border (╔) to its bottom border (╝), and the blank line after. */
function write(line) {
  if (/^\s*╔/.test(line)) inBox = true
  else if (inBox && /^\s*╚/.test(line)) inBox = 'closing'
  else if (inBox === 'closing') {
    inBox = false
    if (line.trim() === '') return
    process.stderr.write(`${line}\n`)
  } else if (!inBox) process.stderr.write(`${line}\n`)
}
child.stderr.setEncoding('utf8')
child.stderr.on('data', (chunk) => {
  buffered += chunk
  const lines = buffered.split('\n')
  buffered = lines.pop() ?? ''
  for (const line of lines) write(line)
})
child.on('close', (code, signal) => {
  if (buffered) write(buffered)
  process.exitCode = code ?? (signal ? 1 : 0)
})
