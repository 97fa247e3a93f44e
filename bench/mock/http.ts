/**
 * What the HTTP benches share: servers in child processes on loopback (so their CPU time can be
 * read from /proc apart from the load generator's), autocannon runs, and figures.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Options } from 'autocannon'
import { spawnMock } from '../../test/support/spawn-mock'

export interface BenchServer {
  url: string
  pid: number
  stop(): Promise<void>
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      child.kill('SIGTERM')
    })
}

/** The bare node:http baseline (bench/bare-server.mjs). */
export function startBare(): Promise<BenchServer> {
  const child = spawn(process.execPath, ['bench/bare-server.mjs'], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      const match = /listening on (\S+)/.exec(output)
      if (match) resolve({ url: match[1]!, pid: child.pid!, stop: stopper(child) })
    })
    child.once('exit', (code) => reject(new Error(`bare server exited (${code})`)))
  })
}

/** The standalone mock (`portcullis-mock` through tsx), as a user's CI runs it. */
export async function startMock(args: string[] = []): Promise<BenchServer> {
  const mock = await spawnMock(args)
  return { url: mock.url, pid: mock.child.pid!, stop: async () => void (await mock.stop()) }
}

export interface LoadFigures {
  reqPerSec: number
  p99Ms: number
  meanMs: number
  /** Server CPU (user + system) per answered request, in µs. */
  cpuPerRequestUs: number
  requests: number
  /** Answers that were not the expected status, plus connection errors. */
  failures: number
}

/** What `autocannon-run.mjs` reports of a run. */
interface RunFigures {
  total: number
  average: number
  p99: number
  mean: number
  statusCodeStats: Record<string, { count: number }>
  errors: number
  /** The server's CPU time during the measured run, µs. */
  cpu: number
}

/**
 * autocannon against `server`, with the server's CPU time per request. Each run is a fresh
 * process (warmed up first, see autocannon-run.mjs): in this one, autocannon's own heap grows run
 * after run, and a load generator that slows down flatters whatever server is measured after it.
 */
export async function load(server: BenchServer, options: Omit<Options, 'url' | 'requests' | 'setupClient'> & { path: string; expectStatus?: number }): Promise<LoadFigures> {
  const { path, expectStatus = 200, ...rest } = options
  const runOptions = JSON.stringify({ connections: 10, duration: 5, ...rest, url: `${server.url}${path}` })
  const result = await new Promise<RunFigures>((resolve, reject) => {
    execFile(process.execPath, [RUNNER, runOptions, String(server.pid)], { maxBuffer: 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as RunFigures)))
  })
  const { cpu } = result
  const answered = result.total
  const expected = result.statusCodeStats[`${expectStatus}`]?.count ?? 0
  return {
    reqPerSec: result.average,
    p99Ms: result.p99,
    meanMs: result.mean,
    cpuPerRequestUs: answered > 0 ? cpu / answered : Number.NaN,
    requests: answered,
    failures: answered - expected + result.errors,
  }
}

const RUNNER = fileURLToPath(new URL('./autocannon-run.mjs', import.meta.url))

export async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } })
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

export const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a')
export const ratio = (value: number, base: number) => (base > 0 && Number.isFinite(value) ? `${(value / base).toFixed(2)}×` : 'n/a')

/** The window of the lifted code-send limits (`liftCodeLimits`). */
export const LIFTED_WINDOW_SECONDS = 3600

/** Raises the throttles a load test hits on purpose (one user requesting codes thousands of times). */
export async function liftCodeLimits(server: BenchServer): Promise<void> {
  const lots = { max: 1_000_000, windowSeconds: LIFTED_WINDOW_SECONDS }
  await json(`${server.url}/__mock/config`, {
    method: 'PUT',
    body: JSON.stringify({ otp: { codeRequestsPerWindow: lots.max }, limits: { codeSends: { perAccount: lots, perClient: lots, perDestination: lots } } }),
  })
}
