import { clockRoute } from './clock'
import { configRoute } from './config'
import { faultsRoute } from './faults'
import { error, methodNotAllowed } from './json'
import { outboxRoute } from './outbox'
import { requestsRoute } from './requests'
import { resetRoute } from './reset'
import type { ControlContext, ControlRoute } from './types'
import { usersRoute } from './users'

export const CONTROL_PREFIX = '/__mock'

/** The fixed `/__mock/*` API that tests and people use to script the backend. */
export const controlRoutes: readonly ControlRoute[] = [outboxRoute, usersRoute, resetRoute, clockRoute, configRoute, faultsRoute, requestsRoute]

export function isControlPath(path: string): boolean {
  return path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)
}

export async function handleControl(context: ControlContext): Promise<Response> {
  const path = context.url.pathname.replace(/\/+$/, '')
  const route = controlRoutes.find((r) => r.path === path)
  if (!route) return error(404, 'not_found', `No control route ${path || '/'}.`)
  const method = context.request.method.toUpperCase()
  const handler = route.methods[method as keyof ControlRoute['methods']]
  if (!handler) return methodNotAllowed(Object.keys(route.methods))
  return handler(context)
}

export type { ControlContext, ControlRoute } from './types'
export { parseFaultRule } from './faults'
export { parseNewUser, publicUser } from './users'
