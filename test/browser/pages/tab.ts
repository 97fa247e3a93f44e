/**
 * Page for test/browser/cross-tab.test.ts: one tab's AuthClient with the page defaults
 * (localStorage, Web Locks, BroadcastChannel, proactive refresh) against the backend at `?api=`,
 * exposed as `window.portcullisTab`.
 */
import { AuthClient, AuthError } from '../../../src/index'
import { createPlatformClient, platformApi, UserProfileDocument } from '../../../src/platform'
import type { TabApi, TabEvent } from './globals'

const baseUrl = new URLSearchParams(location.search).get('api')
if (!baseUrl) throw new Error('tab.html needs ?api=<mock backend URL>')

const auth = new AuthClient({ baseUrl, api: platformApi() })
const events: TabEvent[] = []
const waiters = new Set<() => void>()

function record(event: TabEvent): void {
  events.push(event)
  for (const wake of [...waiters]) wake()
}

auth.on('signedIn', ({ session }) => record({ name: 'signedIn', email: session.user.email ?? null }))
auth.on('tokenRefreshed', ({ session }) => record({ name: 'tokenRefreshed', email: session.user.email ?? null }))
auth.on('signedOut', ({ reason }) => record({ name: 'signedOut', reason }))
auth.on('refreshFailed', ({ error }) => record({ name: 'refreshFailed', reason: error.code }))

window.portcullisTab = {
  features: {
    locks: typeof navigator.locks?.request === 'function',
    broadcastChannel: typeof BroadcastChannel === 'function',
    localStorage: typeof localStorage === 'object',
  },
  async signIn(email, password) {
    return (await auth.signIn({ email, password })).status
  },
  getAccessToken: () => auth.getAccessToken(),
  getSession: () => auth.getSession(),
  async profile() {
    try {
      const { userProfile } = await createPlatformClient(auth).request(UserProfileDocument)
      return { username: userProfile?.username ?? null }
    } catch (error) {
      return { error: error instanceof AuthError ? error.code : String(error) }
    }
  },
  signOut: async () => void (await auth.signOut()),
  events: () => events.slice(),
  waitForEvent(name, from) {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const found = events.slice(from).find((event) => event.name === name)
        if (found) {
          waiters.delete(wake)
          resolve(found)
        }
        return !!found
      }
      const wake = (): void => void check()
      if (!check()) waiters.add(wake)
    })
  },
}
