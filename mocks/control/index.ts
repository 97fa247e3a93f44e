import { clockRoute } from './clock'
import { configRoute } from './config'
import { consoleRoute } from './console/route'
import { faultsRoute } from './faults'
import { error, methodNotAllowed } from './json'
import { outboxRoute } from './outbox'
import { requestsRoute } from './requests'
import { resetRoute } from './reset'
import { sessionsRoute } from './sessions'
import type { ControlContext, ControlRoute } from './types'
import { usersRoute } from './users'

export const CONTROL_PREFIX = '/__mock'

/** The fixed `/__mock/*` API that tests and people use to script the backend, and the console page over it (`/__mock/`). */
export const controlRoutes: readonly ControlRoute[] = [
  consoleRoute,
  outboxRoute,
  usersRoute,
  sessionsRoute,
  resetRoute,
  clockRoute,
  configRoute,
  faultsRoute,
  requestsRoute,
]

export function isControlPath(path: string): boolean {
  return path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)
}

export async function handleControl(context: ControlContext): Promise<Response> {
  const path = context.url.pathname.replace(/\/+$/, '')
  const route = controlRoutes.find((r) => r.path === path)
  if (!route) return error(404, 'not_found', `No control route ${path || '/'}.`)
  const method = context.request.method.toUpperCase()
  // HEAD is GET without the body (every GET here only reads).
  const handler = route.methods[(method === 'HEAD' ? 'GET' : method) as keyof ControlRoute['methods']]
  if (!handler) return methodNotAllowed(allowed(route))
  const response = await handler(context)
  return method === 'HEAD' ? new Response(null, { status: response.status, headers: response.headers }) : response
}

function allowed(route: ControlRoute): string[] {
  const methods = Object.keys(route.methods)
  return route.methods.GET ? [...methods, 'HEAD'] : methods
}

export type { ControlContext, ControlRoute } from './types'
