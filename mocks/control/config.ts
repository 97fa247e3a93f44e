import { MockInputError } from '../state/types'
import { error, isPlainObject, json, readJson } from './json'
import type { ControlRoute } from './types'

/** `PUT /__mock/config` deep-merges a partial config and returns the whole of it; `GET` reads it. */
export const configRoute: ControlRoute = {
  path: '/__mock/config',
  methods: {
    GET: ({ state }) => json(state.config),
    PUT: async ({ request, state }) => {
      const body = await readJson(request)
      if (!body.ok) return body.response
      if (!isPlainObject(body.value)) return error(400, 'invalid_body', 'Send a JSON object with the settings to change.')
      try {
        return json(state.updateConfig(body.value))
      } catch (caught) {
        if (caught instanceof MockInputError) return error(400, caught.code, caught.message, caught.field)
        throw caught
      }
    },
  },
}
