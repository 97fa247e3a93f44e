// @vitest-environment happy-dom
/**
 * portcullis/react under <StrictMode> (double render, mount-unmount-mount): one sign-in per
 * submit, one refresh for a due stored session however many components read the token, and
 * no listener left on the client after unmount. Plus hydration of the server's markup.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { StrictMode, useState } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ChallengeRequiredError } from '../../../src/index'
import { AuthProvider, useAccessToken, useAuth, useChallenge } from '../../../src/react/index'
import { CODE, PASSWORD } from '../core/fakes'
import { setup } from './support'

afterEach(cleanup)

function SignInForm() {
  const { status, session, signIn } = useAuth()
  const prompt = useChallenge()
  const [code, setCode] = useState('')
  if (status === 'signedIn') return <p>hello {session?.user.email}</p>
  if (prompt) {
    return (
      <form onSubmit={(event) => (event.preventDefault(), void prompt.verify(code).catch(() => {}))}>
        <input aria-label="code" value={code} onChange={(event) => setCode(event.target.value)} />
        <button type="submit">verify</button>
      </form>
    )
  }
  return (
    <form onSubmit={(event) => (event.preventDefault(), void signIn({ email: 'ada@example.com', password: PASSWORD }))}>
      <p>status {status}</p>
      <button type="submit">sign in</button>
    </form>
  )
}

function Token({ name }: { name: string }) {
  const { token } = useAccessToken()
  return (
    <p>
      {name}: {token ?? 'none'}
    </p>
  )
}

describe('portcullis/react under StrictMode', () => {
  it('one submit is one sign-in and one code check', async () => {
    const { auth, fake } = setup({ twoFactor: true })
    render(
      <StrictMode>
        <AuthProvider client={auth}>
          <SignInForm />
        </AuthProvider>
      </StrictMode>,
    )
    await screen.findByText('status signedOut')
    fireEvent.click(screen.getByText('sign in'))
    fireEvent.change(await screen.findByLabelText('code'), { target: { value: CODE } })
    fireEvent.click(screen.getByText('verify'))
    await screen.findByText('hello ada@example.com')
    expect(fake.calls).toMatchObject({ signIn: 1, verify: 1, refresh: 0 })
  })

  it('a due stored session is refreshed once, for every component that reads the token', async () => {
    const { auth, fake } = setup({ stored: 'due' })
    render(
      <StrictMode>
        <AuthProvider client={auth}>
          <Token name="header" />
          <Token name="orders" />
        </AuthProvider>
        <AuthProvider client={auth}>
          <Token name="sidebar" />
        </AuthProvider>
      </StrictMode>,
    )
    await screen.findByText('header: access-secret-2')
    await screen.findByText('orders: access-secret-2')
    await screen.findByText('sidebar: access-secret-2')
    expect(fake.calls.refresh).toBe(1)
  })

  it('leaves no listener on the client after unmount (step-ups reject again)', async () => {
    const { auth } = setup({ stored: 'fresh', client: { fetch: async () => new Response('{}', { status: 401, headers: { 'x-needs-otp': '1' } }) } })
    const view = render(
      <StrictMode>
        <AuthProvider client={auth}>
          <SignInForm />
        </AuthProvider>
      </StrictMode>,
    )
    await screen.findByText('hello ada@example.com')
    view.unmount()
    await expect(auth.fetch('/guarded', { method: 'DELETE' })).rejects.toBeInstanceOf(ChallengeRequiredError)
  })

  it('hydrates the server markup without a mismatch, then shows the stored session', async () => {
    const { auth } = setup({ stored: 'fresh' })
    const app = (
      <StrictMode>
        <AuthProvider client={auth}>
          <SignInForm />
        </AuthProvider>
      </StrictMode>
    )
    const container = document.createElement('div')
    container.innerHTML = renderToString(app)
    document.body.append(container)
    expect(container.textContent).toBe('status loadingsign in')
    const recoverable = vi.fn()
    let root: ReturnType<typeof hydrateRoot> | undefined
    await act(async () => void (root = hydrateRoot(container, app, { onRecoverableError: recoverable })))
    await waitFor(() => expect(container.textContent).toBe('hello ada@example.com'))
    expect(recoverable).not.toHaveBeenCalled()
    act(() => root!.unmount())
    container.remove()
  })
})
