import type { BackendStateInternals } from '../state'

export interface ControlContext {
  request: Request
  url: URL
  state: BackendStateInternals
}

export type ControlHandler = (context: ControlContext) => Promise<Response> | Response

/** One control resource: its path under `/__mock` and a handler per method. */
export interface ControlRoute {
  path: string
  methods: Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE', ControlHandler>>
}
