import { handleControl, isControlPath } from './control'
import { guardControlRequest } from './control/guard'
import { error, json, methodNotAllowed } from './control/json'
import { demoSeed } from './demo-users'
import { createBackendState, type BackendStateInternals, type BackendStateOptions } from './state'
import type { ActiveFault, NewUser, RequestContext, Surface } from './state/types'
import { bodySource } from './validation/body'
import type { BodyRead } from './validation/types'
import { knownBody, textResponse, withKnownBody } from './known-body'
import { printError, type ErrorSite } from './redact'
import { accountsSurface } from './surfaces/accounts'
import { experienceSurface } from './surfaces/experience'
import { otpSurface } from './surfaces/otp'
import { platformSurface } from './surfaces/platform'

/** Every surface the backend serves by default, asked in order whether it owns a request path. */
export const defaultSurfaces: readonly Surface[] = [platformSurface, otpSurface, accountsSurface, experienceSurface]

/** Where the backend publishes its token signing keys. */
export const JWKS_PATH = '/.well-known/jwks.json'

/** Options of `createBackend`: the state options plus seed users, surfaces, error reporting and extra CORS origins. */
export interface BackendOptions extends Omit<BackendStateOptions, 'seed'> {
  /** Users to seed (and restore on reset); default the demo users, `false` for none. */
  seed?: NewUser[] | false
  /** The surfaces to serve (default `defaultSurfaces`). */
  surfaces?: readonly Surface[]
  /** An existing state to serve instead of creating one (the state options are then ignored). */
  state?: BackendStateInternals
  /**
   * Told about an unexpected exception (the request was answered 500). The default prints the
   * request line and a redacted stack to the console; pass `() => {}` to silence it.
   */
  onError?: (error: unknown, request: ErrorSite) => void
  /**
   * Browser origins besides loopback ones (and the page's own) that may call the control API
   * (exact origins such as `https://app.example.test`); the standalone server's `--cors-origin`.
   */
  corsOrigins?: readonly string[]
}

/**
 * A request as a server received it, before any WHATWG `Request` exists. The standalone server
 * hands the backend this: the surfaces on the hot paths (otp, GraphQL) read its method, headers
 * and body text and never need a `Request`; other routes build one on first use, once. (On Node,
 * building a `Request` costs more than answering the JWKS: undici makes an AbortController for
 * each.)
 */
export interface IncomingCall {
  /** Upper-case. */
  method: string
  url: URL
  headers: Headers
  /** The body as UTF-8 text under `limit` bytes; readable once, like a stream. */
  readText(limit?: number): Promise<BodyRead>
  /** The request itself: built on the first call, the same object after. */
  request(): Request
  /** Aborted when the client gives up (ends a fault's delay early). */
  signal?: AbortSignal
}

/** The backend as one fetch handler over its state (`createBackend`). */
export interface Backend {
  readonly state: BackendStateInternals
  readonly surfaces: readonly Surface[]
  /** Answers a request the backend owns; `undefined` for any other path (so msw passes it through). */
  handle(request: Request): Promise<Response | undefined>
  /**
   * `handle` for a request not yet built (see `IncomingCall`). Its responses may keep their body
   * beside them (see `knownBody`): only a server that writes them itself should call this.
   */
  handleCall(call: IncomingCall): Promise<Response | undefined>
  /** Whether `handle` would answer this URL (a surface, the control API or the JWKS). */
  owns(url: URL): boolean
  /** Resolves once the seed users exist. */
  ready(): Promise<void>
  /** Back to the seeded users and settings (`POST /__mock/reset`). */
  reset(): Promise<void>
}

export { redact } from './redact'

function internalError(): Response {
  return error(500, 'internal_error', 'The mock backend failed to handle this request.')
}

/** Waits `ms` real milliseconds, ending early when the client gives up on the request. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}

const OPERATION_PATTERN = /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/

/**
 * The GraphQL operation a request names, read from a clone so the surface still gets the body.
 * Only called for faults (to match a rule's `operationName`, and to log a faulted request, which
 * never reaches the surface that would name it); unreadable bodies give null.
 */
export async function peekOperationName(request: Request, url: URL): Promise<string | null> {
  const fromQuery = (query: unknown) => (typeof query === 'string' ? (OPERATION_PATTERN.exec(query)?.[1] ?? null) : null)
  if (request.method === 'GET') return url.searchParams.get('operationName') || fromQuery(url.searchParams.get('query'))
  try {
    const body: unknown = await request.clone().json()
    if (typeof body !== 'object' || body === null) return null
    const { operationName, query } = body as { operationName?: unknown; query?: unknown }
    return typeof operationName === 'string' && operationName ? operationName : fromQuery(query)
  } catch {
    return null
  }
}

let lastSecond = Number.NaN
let lastDate = ''

/** An HTTP `Date` value for `now`, formatted once per second of mock time. */
export function httpDate(now: number): string {
  const second = Math.floor(now / 1000)
  if (second !== lastSecond) {
    lastDate = new Date(second * 1000).toUTCString()
    lastSecond = second
  }
  return lastDate
}

/**
 * Stamps `Date` from the mock clock, so an app can test its clock-skew handling by moving the
 * clock (`POST /__mock/clock`): the SDK estimates the server's time from this header. A response
 * with immutable headers (none today; say one a surface got from `fetch`) is copied first.
 */
function withMockDate(response: Response, now: number): Response {
  if (response.type === 'error') return response
  const date = httpDate(now)
  try {
    response.headers.set('date', date)
    return response
  } catch {
    const copy = new Response(response.body ?? knownBody(response), response)
    copy.headers.set('date', date)
    return copy
  }
}

function faultResponse(fault: ActiveFault): Response {
  const body = fault.body === undefined ? { code: 'mock_fault', message: `Fault injected by the mock (status ${fault.status}).` } : fault.body
  return typeof body === 'string'
    ? new Response(body, { status: fault.status, headers: { 'content-type': 'text/plain; charset=utf-8' } })
    : json(body, fault.status)
}

/**
 * What a surface sees of one call. A class, so its getters live on the prototype instead of
 * being made for every request, as an object literal's are.
 */
class CallContext implements RequestContext {
  operationName: string | null = null

  constructor(
    private readonly call: IncomingCall,
    readonly state: BackendStateInternals,
    private readonly onError: (error: unknown, request: ErrorSite) => void,
    private readonly surface: string,
  ) {}

  /** Built only when a surface reads it. */
  get request(): Request {
    return this.call.request()
  }
  get method(): string {
    return this.call.method
  }
  get url(): URL {
    return this.call.url
  }
  get headers(): Headers {
    return this.call.headers
  }
  readText(limit?: number): Promise<BodyRead> {
    return this.call.readText(limit)
  }
  reportError(error: unknown): void {
    this.onError(error, { method: this.call.method, path: this.call.url.pathname, surface: this.surface })
  }
}

/**
 * The whole backend behind one `handle(request)`: control API, JWKS and the registered surfaces
 * over one state, with fault injection and a request log. Used by the msw handlers and, through
 * them, by the standalone server.
 */
export function createBackend(options: BackendOptions = {}): Backend {
  const state =
    options.state ??
    createBackendState({ ...options, seed: options.seed === false ? [] : (options.seed ?? demoSeed()) })
  const surfaces = options.surfaces ?? defaultSurfaces
  const onError = options.onError ?? printError

  const ownerOf = (url: URL) => surfaces.find((surface) => surface.owns(url))

  async function jwks(): Promise<Response> {
    const text = await state.tokens.jwksJson()
    return textResponse(text, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' } })
  }

  let seeded = false

  async function handleCall(call: IncomingCall): Promise<Response | undefined> {
    const { url, method } = call
    const path = url.pathname

    if (isControlPath(path)) {
      const request = call.request()
      const refused = guardControlRequest(request, url, options.corsOrigins)
      if (refused) return withMockDate(refused, state.clock.now())
      try {
        await state.ready()
        // Read after the route ran, so POST /__mock/clock answers with the clock it just set.
        return withMockDate(await handleControl({ request, url, state }), state.clock.now())
      } catch (caught) {
        onError(caught, { method, path, surface: 'control' })
        return withMockDate(internalError(), state.clock.now())
      }
    }

    const surface = ownerOf(url)
    if (!surface && path !== JWKS_PATH) return undefined

    const context = new CallContext(call, state, onError, surface?.name ?? 'jwks')
    let response: Response
    try {
      if (!seeded) {
        await state.ready()
        seeded = true
      }
      const fault = state.faults.empty() ? undefined : await takeFault(call, context)
      if (fault?.networkError) {
        state.requests.record({ method, path, operationName: context.operationName, status: 0 })
        return Response.error()
      }
      response = fault?.status
        ? faultResponse(fault)
        : surface
          ? await surface.handle(context)
          : method !== 'GET' && method !== 'HEAD'
            ? methodNotAllowed(['GET'])
            : await jwks()
    } catch (caught) {
      context.reportError(caught)
      response = internalError()
    }
    state.requests.record({ method, path, operationName: context.operationName, status: response.status })
    return withMockDate(response, state.clock.now())
  }

  /** The fault rule this call meets, once its delay has passed. */
  async function takeFault(call: IncomingCall, context: CallContext): Promise<ActiveFault | undefined> {
    const { method, url } = call
    const fault = state.faults.take({
      method,
      path: url.pathname,
      operationName: state.faults.needsOperationName() ? await peekOperationName(call.request(), url) : null,
    })
    // A faulted request never reaches its surface, so the log reads the operation name here.
    if (fault) context.operationName = fault.operationName ?? (await peekOperationName(call.request(), url))
    if (fault?.delayMs) await sleep(fault.delayMs, call.signal)
    return fault
  }

  async function handle(request: Request): Promise<Response | undefined> {
    const response = await handleCall({
      method: request.method.toUpperCase(),
      url: new URL(request.url),
      ...bodySource(request),
      request: () => request,
      signal: request.signal,
    })
    return response && withKnownBody(response)
  }

  return {
    state,
    surfaces,
    handle,
    handleCall,
    owns: (url) => isControlPath(url.pathname) || url.pathname === JWKS_PATH || ownerOf(url) !== undefined,
    ready: () => state.ready(),
    reset: () => state.reset(),
  }
}
