/**
 * portcullis/react on a server (Node, no DOM): `renderToString` shows the loading state and
 * touches nothing: no storage read, no timer, no request, no listener on the client.
 */
import { renderToString } from 'react-dom/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AuthProvider, useAccessToken, useAuth, useChallenge, useSession } from '../../../src/react/index'
import { setup } from './support'

afterEach(() => vi.restoreAllMocks())

function App() {
  const { status, session } = useAuth()
  const prompt = useChallenge()
  const token = useAccessToken()
  const same = useSession()
  return (
    <main>
      <p>status: {status}</p>
      <p>user: {session?.user.email ?? same?.user.email ?? 'none'}</p>
      <p>challenge: {prompt?.kind ?? 'none'}</p>
      <p>token: {token.loading ? 'loading' : (token.token ?? 'none')}</p>
    </main>
  )
}

describe('portcullis/react: server render', () => {
  it('renders the loading state without touching storage, timers, the network or the client', async () => {
    const { auth, storage, fake } = setup({ stored: 'due' })
    await auth.ready() // the client itself read its storage once, before any render
    const before = storage.total()
    const timers = vi.spyOn(globalThis, 'setTimeout')
    const intervals = vi.spyOn(globalThis, 'setInterval')
    const fetches = vi.spyOn(globalThis, 'fetch')
    const on = vi.spyOn(auth, 'on')
    const getAccessToken = vi.spyOn(auth, 'getAccessToken')

    const html = renderToString(
      <AuthProvider client={auth}>
        <App />
      </AuthProvider>,
    )
    // Twice: the same markup every time (a stable server snapshot).
    const again = renderToString(
      <AuthProvider client={auth}>
        <App />
      </AuthProvider>,
    )

    expect(html).toContain('status: <!-- -->loading')
    expect(html).toContain('challenge: <!-- -->none')
    expect(html).toContain('token: <!-- -->loading')
    expect(again).toBe(html)
    expect(storage.total()).toBe(before)
    expect(timers).not.toHaveBeenCalled()
    expect(intervals).not.toHaveBeenCalled()
    expect(fetches).not.toHaveBeenCalled()
    expect(on).not.toHaveBeenCalled()
    expect(getAccessToken).not.toHaveBeenCalled()
    expect(fake.calls.refresh).toBe(0)
  })
})
