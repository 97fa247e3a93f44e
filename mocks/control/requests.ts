import { json } from './json'
import type { ControlRoute } from './types'

/** `GET /__mock/requests[?path=&method=]` lists what the backend received; `DELETE` clears it. */
export const requestsRoute: ControlRoute = {
  path: '/__mock/requests',
  methods: {
    GET: ({ url, state }) => {
      const path = url.searchParams.get('path') ?? undefined
      const method = url.searchParams.get('method') ?? undefined
      return json({ requests: state.requests.list({ path, method }) })
    },
    DELETE: ({ state }) => {
      state.requests.clear()
      return json({ ok: true })
    },
  },
}
