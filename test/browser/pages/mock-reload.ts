/**
 * Page for test/browser/mock-reload.test.ts: the in-page mock (`startMockWorker`, saving its
 * state) and an AuthClient with the page defaults (localStorage). Each load boots anew, so the
 * suite can reload it mid-challenge and mid-session. `?persist=0` starts the mock without saving,
 * `?quiet=0` with msw's console logging.
 */
import { AuthClient, AuthError } from '../../../src/index'
import { createPlatformClient, platformApi, UserProfileDocument } from '../../../src/platform'
import { startMockWorker } from '../../../mocks/browser'
import type { ReloadApi } from './mock-reload-api'

/** Nothing answers at this host (`.test` never resolves): only the service worker can. */
const BASE_URL = 'http://auth.portcullis.test'
const CHALLENGE_KEY = 'portcullis.challenge'
const params = new URLSearchParams(location.search)

const started = startMockWorker({ persist: params.get('persist') !== '0', ...(params.get('quiet') === '0' ? { quiet: false } : {}) })
const auth = new AuthClient({ baseUrl: BASE_URL, api: platformApi() })
const events: string[] = []
auth.on('signedIn', () => events.push('signedIn'))
auth.on('tokenRefreshed', () => events.push('tokenRefreshed'))
auth.on('signedOut', ({ reason }) => events.push(`signedOut:${reason}`))
auth.on('refreshFailed', ({ error }) => events.push(`refreshFailed:${error.code}`))

async function boot() {
  const { persistence } = await started
  const { session, reason } = await auth.ready()
  const jwks = (await (await fetch(`${BASE_URL}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid?: string }> }
  return {
    restored: persistence?.restored ?? false,
    session,
    reason: reason ?? null,
    pendingChallenge: sessionStorage.getItem(CHALLENGE_KEY) !== null,
    kid: jwks.keys[0]?.kid ?? null,
  }
}

window.portcullisReload = {
  boot: boot(),
  async signIn(email, password) {
    const result = await auth.signIn({ email, password })
    if (result.status === 'challenge') sessionStorage.setItem(CHALLENGE_KEY, JSON.stringify(result.challenge))
    return result.status
  },
  async resumeWithOutboxCode(email) {
    const { mock } = await started
    const saved = sessionStorage.getItem(CHALLENGE_KEY)
    if (!saved) throw new Error('no challenge saved in sessionStorage')
    const challenge = auth.resumeChallenge(saved)
    const code = mock.outbox.latest({ to: email, purpose: 'platform.login_2fa' })?.code
    if (!code) throw new Error(`no login code in the outbox for ${email}`)
    const result = await challenge.verify(code)
    sessionStorage.removeItem(CHALLENGE_KEY)
    return { status: result.status, email: result.status === 'signedIn' ? (result.session.user.email ?? null) : null }
  },
  async profile() {
    try {
      const { userProfile } = await createPlatformClient(auth).request(UserProfileDocument)
      return { username: userProfile?.username ?? null }
    } catch (error) {
      return { error: error instanceof AuthError ? error.code : String(error) }
    }
  },
  async advanceClock(ms) {
    return (await started).mock.clock.advance(ms)
  },
  events: () => events.slice(),
  async resetThroughControlApi() {
    return (await fetch(`${BASE_URL}/__mock/reset`, { method: 'POST' })).status
  },
}
