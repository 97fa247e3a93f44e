import { json } from './json'
import type { ControlRoute } from './types'

/** `POST /__mock/reset`: back to the seeded state (see `MockBackendState.reset`). */
export const resetRoute: ControlRoute = {
  path: '/__mock/reset',
  methods: {
    POST: async ({ state }) => {
      await state.reset()
      return json({ ok: true })
    },
  },
}
