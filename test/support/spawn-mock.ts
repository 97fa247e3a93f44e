/**
 * Runs the `portcullis-mock` CLI (mocks/cli.ts through tsx) as a child process on a free port,
 * for e2e suites. Resolves once the CLI prints its `Portcullis mock listening on <url>` line.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'

export const repoRoot = resolve(import.meta.dirname, '../..')
export const LISTENING_LINE = /^Portcullis mock listening on (http:\/\/\S+)$/m

export interface SpawnedMock {
  url: string
  child: ChildProcess
  /** Everything printed so far (stdout and stderr). */
  output(): string
  /** Sends the signal (default SIGTERM) and resolves with how the process ended (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

function cliProcess(args: string[], script = 'mocks/cli.ts'): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode })
  return new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })))
}

/** Starts the CLI with `--port 0` (plus `args`) and waits for its URL. */
export function spawnMock(args: string[] = [], timeoutMs = 20_000): Promise<SpawnedMock> {
  const child = cliProcess(['--port', '0', ...args])
  let output = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))

  const stop: SpawnedMock['stop'] = async (signal = 'SIGTERM', graceMs = 10_000) => {
    const done = exited(child)
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    try {
      return await done
    } finally {
      clearTimeout(timer)
    }
  }

  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      cleanup()
      void stop('SIGKILL')
      reject(new Error(`portcullis-mock did not start within ${timeoutMs} ms. Output:\n${output}`))
    }, timeoutMs)
    const onData = () => {
      const match = LISTENING_LINE.exec(output)
      if (!match) return
      cleanup()
      resolvePromise({ url: match[1]!, child, output: () => output, stop })
    }
    const onExit = (code: number | null) => {
      cleanup()
      reject(new Error(`portcullis-mock exited (${code}) before listening. Output:\n${output}`))
    }
    function cleanup() {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.off('exit', onExit)
    }
    child.stdout?.on('data', onData)
    child.once('exit', onExit)
  })
}

/** Runs the CLI (or another, e.g. `src/verify/cli.ts`) to completion (for `--help` and argument errors). */
export async function runCli(args: string[], timeoutMs = 20_000, script?: string): Promise<RunResult> {
  const child = cliProcess(args, script)
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const { code, signal } = await exited(child)
  clearTimeout(timer)
  return { code, signal, stdout, stderr }
}
