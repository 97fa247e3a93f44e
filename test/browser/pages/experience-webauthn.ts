/**
 * Page for test/browser/experience-webauthn.test.ts: the mock runs in msw's service worker on
 * this page's origin (so the WebAuthn RP id is this page's host), and a real
 * `navigator.credentials` ceremony — answered by Chromium's virtual authenticator, which the
 * suite adds over the DevTools protocol — enrols a passkey at the MFA prompt, then answers the
 * second factor of the next sign-in. Reports on `window.portcullisWebAuthn`.
 */
import { http, HttpResponse } from 'msw'
import { DEMO_PASSWORD, startMockWorker } from '../../../mocks/browser'
import { createWebAuthnCredential, describeStep, experienceApi, getWebAuthnCredential } from '../../../src/experience'
import { AuthClient } from '../../../src/index'
import { readClaims } from '../../../src/transport/jwt-claims'
import type { WebAuthnReport } from './globals'
import { pageFailure } from './report'

/** The demo client's registered redirect URI; the worker answers it, as the app's callback page would. */
const REDIRECT_URI = 'http://localhost:5173/callback'

async function run(): Promise<WebAuthnReport> {
  const { mock, worker, stop } = await startMockWorker({ start: { onUnhandledRequest: 'bypass', quiet: true } })
  worker.use(http.get(REDIRECT_URI, () => new HttpResponse('<!doctype html><title>callback</title>', { headers: { 'content-type': 'text/html' } })))
  const user = await mock.users.create({ email: 'passkey@example.com', username: 'passkey', password: DEMO_PASSWORD, verified: true })
  const client = () => new AuthClient({ baseUrl: location.origin, api: experienceApi({ clientId: 'portcullis-demo', redirectUri: REDIRECT_URI }), crossTab: false })
  const first = client()
  const second = client()
  try {
    // UserControlled MFA with WebAuthn enabled: a user without a factor is offered enrolment.
    const prompted = await first.signIn({ email: 'passkey@example.com', password: DEMO_PASSWORD })
    if (prompted.status !== 'challenge') throw new Error(`expected the enrolment prompt, got ${prompted.status}`)
    const enrolment = await prompted.challenge.verify('webauthn')
    if (enrolment.status !== 'challenge') throw new Error(`expected the WebAuthn enrolment, got ${enrolment.status}`)
    const step = describeStep(enrolment.challenge)
    const enrolled = await enrolment.challenge.verify(await createWebAuthnCredential(enrolment.challenge))
    await first.signOut()

    const next = await second.signIn({ email: 'passkey@example.com', password: DEMO_PASSWORD })
    if (next.status !== 'challenge') throw new Error(`expected the WebAuthn challenge, got ${next.status}`)
    const signedIn = await next.challenge.verify(await getWebAuthnCredential(next.challenge))
    const token = await second.getAccessToken()
    return {
      ok: true,
      rpId: step.kind === 'bind_mfa' && step.enrolling === 'webauthn' ? (step.webauthn.rp.id ?? null) : null,
      prompt: { kind: prompted.challenge.kind, methods: [...prompted.challenge.methods] },
      enrolled: enrolled.status,
      credentials: mock.users.get(user.id)?.webAuthn.length ?? 0,
      challenge: { kind: next.challenge.kind, methods: [...next.challenge.methods] },
      signedIn: signedIn.status,
      userId: (await second.getSession())?.user.id ?? null,
      expectedUserId: user.id,
      amr: token ? readClaims(token)?.['amr'] : null,
    }
  } finally {
    first.dispose()
    second.dispose()
    stop()
  }
}

window.portcullisWebAuthn = run().catch(pageFailure)
