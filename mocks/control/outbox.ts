import { error, json } from './json'
import type { ControlRoute } from './types'

/** `GET /__mock/outbox[?to=&channel=&purpose=]` lists what was "sent"; `DELETE` empties it. */
export const outboxRoute: ControlRoute = {
  path: '/__mock/outbox',
  methods: {
    GET: ({ url, state }) => {
      const channel = url.searchParams.get('channel') ?? undefined
      if (channel !== undefined && channel !== 'email' && channel !== 'sms') {
        return error(400, 'invalid_query', 'channel must be email or sms', 'channel')
      }
      const to = url.searchParams.get('to') ?? undefined
      const purpose = url.searchParams.get('purpose') ?? undefined
      return json({ messages: state.outbox.list({ to, channel, purpose }) })
    },
    DELETE: ({ state }) => {
      state.outbox.clear()
      return json({ ok: true })
    },
  },
}
