import { error, json } from './json'
import type { ControlRoute } from './types'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/**
 * `GET /__mock/sessions[?userId=&live=true]` lists sign-in sessions of every surface, oldest
 * first: who, which surface, the methods used (`amr`), and until when its refresh token lives.
 * `live` = not revoked and holding an unexpired refresh token (on the mock clock). No tokens.
 */
export const sessionsRoute: ControlRoute = {
  path: '/__mock/sessions',
  methods: {
    GET: ({ url, state }) => {
      const userId = url.searchParams.get('userId') ?? undefined
      const liveParam = url.searchParams.get('live')
      if (liveParam !== null && liveParam !== 'true' && liveParam !== 'false') {
        return error(400, 'invalid_query', 'live must be true or false', 'live')
      }
      const now = state.clock.now()
      const sessions = state.tokens
        .listSessions()
        .filter((session) => userId === undefined || session.userId === userId)
        .map((session) => {
          const user = state.users.get(session.userId)
          return {
            id: session.id,
            userId: session.userId,
            username: user?.username ?? null,
            email: user?.email ?? null,
            surface: session.surface,
            amr: [...session.amr],
            createdAt: iso(session.createdAt),
            revokedAt: iso(session.revokedAt),
            refreshExpiresAt: iso(session.refreshExpiresAt),
            live: session.revokedAt === null && session.refreshExpiresAt !== null && session.refreshExpiresAt > now,
          }
        })
        .filter((session) => liveParam === null || session.live === (liveParam === 'true'))
      return json({ sessions })
    },
  },
}
