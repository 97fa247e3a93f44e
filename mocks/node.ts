/**
 * `portcullis/mock/node`: the mock backend as a standalone HTTP server (node:http, no framework)
 * calling the backend's own `handle(request)`, the function the in-process msw handler wraps.
 * msw is not on this path (nor imported): its per-request matching and cookie handling cost more
 * CPU than the backend itself, and the server needs none of it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { httpDate, type IncomingCall } from './backend'
import { isAllowedOrigin, isLoopbackHost } from './control/guard'
import { knownBody } from './known-body'
import { createMockCore, type MockBackendCore, type MockBackendOptions } from './mock-backend'
import { printError } from './redact'
import { CLIENT_HEADER } from './state/limits'
import { heldBodyText, withBufferedBody } from './validation/body'
import type { BodyRead } from './validation/types'

/** Largest request body read into memory; the backend answers bigger ones 413 (see `readBody`). */
export const MAX_BODY_BYTES = 1024 * 1024
/** How long a request body may take to arrive (a body shorter than its `Content-Length` would otherwise hang). */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000

/** Printed (to stderr) when the server listens on an address other machines can reach. */
export const EXPOSED_WARNING =
  'Warning: the Portcullis mock listens on a non-loopback address. Its control API (/__mock/*) hands out codes, link tokens and TOTP secrets and can reset the backend; anyone who can reach this address can use it.'

/** Options of `startMockServer`: the mock's own plus where and how to listen. */
export interface MockServerOptions extends MockBackendOptions {
  /** Port to listen on; default 0 = any free port (read it back from `port`/`url`). */
  port?: number
  /** Default 127.0.0.1: the mock has no auth of its own, so it is not exposed beyond this machine unless asked. */
  host?: string
  /**
   * Answer CORS (default true) for loopback origins (`localhost`, `127.0.0.1`, `[::1]`, any port)
   * and `corsOrigins`, with credentials, so an app served from another localhost port can call
   * the mock, cookies included. Other origins get no grant.
   */
  cors?: boolean
  /** Host names besides loopback ones and `host` that requests may address (`Host` header); others get 403 (DNS rebinding). */
  allowedHosts?: readonly string[]
  /** Time allowed for a request body to arrive, in ms (default 10 s); a slower one is answered 408. */
  bodyTimeoutMs?: number
  /** Where the non-loopback warning goes (default stderr). */
  warn?: (message: string) => void
  /** Use an existing in-process mock (a `createMockBackend()` result will do) instead of creating one from the options above. */
  mock?: MockBackendCore
}

/** A listening standalone mock server. */
export interface MockServer {
  /** Base URL, e.g. `http://127.0.0.1:4010`. */
  url: string
  port: number
  host: string
  mock: MockBackendCore
  /** Stops listening and drops open connections. */
  close(): Promise<void>
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'content-length'])

function sendJson(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const payload = Buffer.from(JSON.stringify(body))
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(payload.length), ...extraHeaders })
  res.end(payload)
}

/** The body as read: whole, or cut at `limit + 1` bytes (`complete: false`), the rest discarded. */
interface SocketRead {
  body: Buffer | undefined
  complete: boolean
  /** What the client announced (`content-length`), or what was read for a chunked body. */
  length: number
}

/**
 * Buffers the body, never more than `limit + 1` bytes. A body over the limit is not refused here:
 * the backend gets its first `limit + 1` bytes with a `content-length` saying how large it really
 * is, so each surface answers with its own documented 413 (an otp `ErrorBody`, a GraphQL `errors`
 * list, the control API's `{ code, message }`) and the request log shows it. The rest of the
 * upload is discarded and the connection closed after the answer.
 */
function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<SocketRead | 'timeout'> {
  const declared = Number(req.headers['content-length'] ?? 0)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const timer = setTimeout(() => {
      req.off('data', onData)
      resolve('timeout')
    }, timeoutMs)
    req.once('close', () => clearTimeout(timer))
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > limit) {
        chunks.push(chunk.subarray(0, limit + 1 - size))
        // Discard the rest as it comes rather than leave it unread: closing a socket with unread
        // data resets it, and the client could lose the answer.
        req.off('data', onData)
        req.resume()
        clearTimeout(timer)
        resolve({ body: Buffer.concat(chunks), complete: false, length: Math.max(declared, limit + 1) })
        return
      }
      size += chunk.length
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.once('end', () => {
      clearTimeout(timer)
      resolve({ body: chunks.length ? Buffer.concat(chunks) : undefined, complete: true, length: size })
    })
    req.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

const NO_BODY: SocketRead = { body: undefined, complete: true, length: 0 }

/** CORS grant for an allowed origin only (loopback, or listed); `Vary: Origin` either way. */
function corsHeaders(req: IncomingMessage, base: URL, extra: readonly string[]): Record<string, string> {
  const origin = req.headers.origin
  if (!origin) return {}
  if (!isAllowedOrigin(origin, base, extra)) return { vary: 'Origin' }
  return { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' }
}

/** The hostname of a `Host` header value (`[::1]:4010` → `[::1]`), lower-cased. */
function hostnameOf(host: string): string {
  const value = host.trim().toLowerCase()
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1)
  return value.replace(/:\d*$/, '')
}

/** Methods fetch refuses to build a `Request` for: the mock cannot serve them either. */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK'])

/** The request headers as the backend sees them: hop-by-hop ones dropped, the client named by its TCP peer. */
function requestHeaders(req: IncomingMessage, read: SocketRead, peer: string): Headers {
  const headers = new Headers()
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!
    const lower = name.toLowerCase()
    if (!HOP_BY_HOP.has(lower) && lower !== CLIENT_HEADER) headers.append(name, req.rawHeaders[i + 1]!)
  }
  // The throttles' client is the TCP peer; a client cannot name itself.
  headers.set(CLIENT_HEADER, peer)
  if (!read.complete) headers.set('content-length', String(read.length))
  return headers
}

/**
 * The backend's view of a request without a WHATWG `Request` yet: the hot surfaces read the
 * headers and the body text from here, and one is built only if a route asks for it, without an
 * AbortSignal (a Request following one costs more than the rest of a small request; the call
 * carries it, made on demand), and with its body bytes handed to the body reader directly (see
 * `withBufferedBody`). A class, so its accessors are not made anew for every request.
 */
class NodeCall implements IncomingCall {
  private builtHeaders: Headers | undefined
  private built: Request | undefined
  private controller: AbortController | undefined
  private textRead = false
  private readonly body: Buffer | undefined

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    readonly method: string,
    readonly url: URL,
    private readonly read: SocketRead,
  ) {
    this.body = method !== 'GET' && method !== 'HEAD' ? read.body : undefined
  }

  /** Built when first read: the JWKS never reads them. */
  get headers(): Headers {
    return (this.builtHeaders ??= requestHeaders(this.req, this.read, this.req.socket.remoteAddress ?? 'unknown'))
  }

  readText(limit?: number): Promise<BodyRead> {
    // Once, like a stream.
    if (this.textRead) return Promise.resolve(UNREADABLE)
    this.textRead = true
    return Promise.resolve(heldBodyText(this.body, this.headers.get('content-length'), limit))
  }

  /** Made only when asked for (a fault's delay): an AbortSignal costs a few µs on every request. */
  get signal(): AbortSignal {
    if (!this.controller) {
      const aborter = (this.controller = new AbortController())
      const { res } = this
      // The client gave up before the answer was written.
      if (res.closed && !res.writableFinished) aborter.abort()
      else res.once('close', () => res.writableFinished || aborter.abort())
    }
    return this.controller.signal
  }

  request(): Request {
    if (this.built) return this.built
    const { method, url, body } = this
    const init = { method, headers: this.headers }
    this.built = new Request(url, body ? { ...init, body: new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength) } : init)
    if (body) withBufferedBody(this.built, body)
    return this.built
  }
}

const UNREADABLE: BodyRead = Object.freeze({ ok: false, status: 400, reason: 'unreadable' })

/** Writes a backend response; its body is read from the stream only when the backend did not keep its text (see `knownBody`). */
function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response, cors: Record<string, string>): void | Promise<void> {
  const text = knownBody(response)
  if (text === undefined) return response.arrayBuffer().then((bytes) => writeBody(req, res, response, cors, Buffer.from(bytes)))
  writeBody(req, res, response, cors, Buffer.from(text))
}

function writeBody(req: IncomingMessage, res: ServerResponse, response: Response, cors: Record<string, string>, body: Buffer): void {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie' || HOP_BY_HOP.has(name)) continue
    headers[name] = value
  }
  const cookies = response.headers.getSetCookie()
  if (cookies.length) headers['set-cookie'] = cookies
  if (cors['access-control-allow-origin']) {
    const exposed = Object.keys(headers).filter((name) => name !== 'set-cookie')
    Object.assign(headers, cors, exposed.length ? { 'access-control-expose-headers': exposed.join(', ') } : {})
  }
  headers['content-length'] = String(body.length)
  res.writeHead(response.status, response.statusText || undefined, headers)
  res.end(req.method === 'HEAD' ? undefined : body)
}

/** Starts the standalone mock; resolves once it listens and the seed users exist. */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const mock = options.mock ?? createMockCore(options)
  const host = options.host ?? '127.0.0.1'
  const cors = options.cors ?? true
  const corsOrigins = options.corsOrigins ?? []
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS
  const bracketed = (name: string) => (name.includes(':') && !name.startsWith('[') ? `[${name}]` : name).toLowerCase()
  const allowedHosts = new Set([host, ...(options.allowedHosts ?? [])].map(bracketed))
  const hostAllowed = (value: string | undefined) => {
    if (!value) return false
    const name = hostnameOf(value)
    return isLoopbackHost(name) || allowedHosts.has(name)
  }
  // What each Host header value means, worked out once: a server sees one or two
  // (127.0.0.1:port, localhost:port). Refused: not this machine; null: not a valid origin.
  const hosts = new Map<string, URL | null | 'refused'>()
  const originOf = (value: string | undefined): URL | null | 'refused' => {
    if (!value) return 'refused'
    let known = hosts.get(value)
    if (known === undefined) {
      if (hosts.size >= 64) hosts.clear()
      known = !hostAllowed(value) ? 'refused' : URL.canParse(`http://${value}`) ? new URL(`http://${value}`) : null
      hosts.set(value, known)
    }
    return known
  }
  // Fail before listening when the seed is invalid, with the store's message.
  await mock.ready()

  const server = createServer((req, res) => {
    void serve(req, res).catch(() => {
      // Writing the answer failed (client gone): nothing more to do than drop the socket.
      req.socket.destroy()
    })
  })

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase()
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 still says `Host: evil.example`.
    const base = originOf(req.headers.host)
    if (base === 'refused') {
      res.shouldKeepAlive = false
      return sendJson(res, 403, { code: 'forbidden_host', message: 'The mock only answers requests addressed to this machine (loopback or the configured host).' })
    }
    if (!base) return sendJson(res, 400, { code: 'bad_request', message: 'The Host header is malformed.' })
    const allow = cors ? corsHeaders(req, base, corsOrigins) : {}
    // Node would stamp its own (real) Date; the server's own answers follow the mock clock like the
    // backend's (whose responses bring their own).
    const reply = (status: number, body: unknown) => sendJson(res, status, body, { ...allow, date: httpDate(mock.clock.now()) })
    if (cors && method === 'OPTIONS' && req.headers['access-control-request-method']) {
      if (!allow['access-control-allow-origin']) return reply(403, { code: 'forbidden_origin', message: 'This origin may not call the mock.' })
      res.writeHead(204, {
        ...allow,
        date: httpDate(mock.clock.now()),
        'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
        'access-control-max-age': '600',
      })
      res.end()
      return
    }
    // Most requests (GET, HEAD) announce no body: nothing to wait for.
    const bodiless = req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined
    const read = bodiless ? NO_BODY : await readBody(req, MAX_BODY_BYTES, bodyTimeoutMs)
    if (read === 'timeout') {
      res.shouldKeepAlive = false
      mock.requests.record({ method, path: new URL(req.url ?? '/', base).pathname, operationName: null, status: 408 })
      reply(408, { code: 'request_timeout', message: `The request body did not arrive within ${bodyTimeoutMs} ms.` })
      res.once('finish', () => req.socket.destroy())
      return
    }
    // The discarded rest of an oversized upload makes the connection unusable for another request.
    if (!read.complete) res.shouldKeepAlive = false

    let call: IncomingCall
    try {
      if (FORBIDDEN_METHODS.has(method)) throw new TypeError(`${method} is not a request method fetch allows.`)
      call = new NodeCall(req, res, method, new URL(req.url ?? '/', base.origin), read)
    } catch {
      return reply(400, { code: 'bad_request', message: 'The request line or headers are malformed.' })
    }
    const path = call.url.pathname
    let response: Response | undefined
    try {
      response = await mock.backend.handleCall(call)
    } catch (caught) {
      // The backend answers its own exceptions; this is a failure around them (a broken surface).
      printError(caught, { method, path, surface: 'server' })
      return reply(500, { code: 'internal_error', message: 'The mock backend failed to handle this request.' })
    }
    if (!response) {
      mock.requests.record({ method, path, operationName: null, status: 404 })
      return reply(404, { code: 'not_found', message: `The mock has no route for ${method} ${path}.` })
    }
    if (response.type === 'error') {
      // A network-error fault: the client sees the connection drop, like a real outage.
      req.socket.destroy()
      return
    }
    return writeResponse(req, res, response, allow)
  }

  // CONNECT (proxy tunnels) never reaches the request handler; without this Node just drops it.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    const body = JSON.stringify({ code: 'method_not_allowed', message: 'CONNECT is not supported.' })
    socket.end(`HTTP/1.1 405 Method Not Allowed\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const urlHost = host.includes(':') ? `[${host}]` : host
  if (!isLoopbackHost(urlHost)) (options.warn ?? ((message) => process.stderr.write(`${message}\n`)))(EXPOSED_WARNING)

  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    mock,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeAllConnections()
      }),
  }
}

// No runtime export from './index': it would pull msw into the server.
export { createMockCore, type MockBackendCore, type MockBackendOptions } from './mock-backend'
export type { MockBackend } from './index'
