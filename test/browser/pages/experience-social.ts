/**
 * Page for test/browser/experience-social.test.ts: social sign-in with the page build of
 * `experienceApi` against the mock in msw's service worker. The step is saved before the trip to
 * the (mock) provider and resumed by a fresh AuthClient, as the app's callback page would after
 * the browser came back; the ID token is verified in the page. Reports on `window.portcullisSocial`.
 */
import { http, HttpResponse } from 'msw'
import { startMockWorker } from '../../../mocks/browser'
import { describeStep, experienceApi, resumeExperienceStep, signInWithConnector } from '../../../src/experience'
import { AuthClient } from '../../../src/index'
import type { SocialReport } from './globals'
import { pageFailure } from './report'

const REDIRECT_URI = 'http://localhost:5173/callback'
const CALLBACK = 'http://localhost:5173/social-callback'

async function run(): Promise<SocialReport> {
  const { worker, stop } = await startMockWorker({ start: { onUnhandledRequest: 'bypass', quiet: true } })
  const page = () => new HttpResponse('<!doctype html><title>app</title>', { headers: { 'content-type': 'text/html' } })
  worker.use(http.get(REDIRECT_URI, page), http.get(CALLBACK, page))
  const config = { experience: { mfa: { factors: [] }, signUp: { identifiers: ['email'], password: false }, connectorIdentities: { github: { id: 'gh-page', email: 'page@example.com' } } } }
  await fetch(`${location.origin}/__mock/config`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(config) })
  const client = () => new AuthClient({ baseUrl: location.origin, api: experienceApi({ clientId: 'portcullis-demo', redirectUri: REDIRECT_URI }), crossTab: false })
  const before = client()
  const after = client()
  try {
    const started = await signInWithConnector(before, { connectorId: 'github', callbackUri: CALLBACK })
    if (started.status !== 'challenge') throw new Error(`expected the provider step, got ${started.status}`)
    const step = describeStep(started.challenge)
    if (step.kind !== 'connector_redirect') throw new Error(`expected connector_redirect, got ${step.kind}`)
    sessionStorage.setItem('pending-step', JSON.stringify(started.challenge))
    // The trip to the provider: the mock's authorization URL redirects back to the callback page.
    const back = await fetch(step.authorizationUri)
    const resumed = await resumeExperienceStep(after, sessionStorage.getItem('pending-step')!)
    const identity = await resumed.verify(back.url)
    if (identity.status !== 'challenge') throw new Error(`expected new_identity, got ${identity.status}`)
    const identityKind = identity.challenge.kind
    const signedIn = await identity.challenge.verify('register')
    return {
      ok: true,
      authorizationOrigin: new URL(step.authorizationUri).origin,
      callback: back.url.split('?')[0]!,
      identityKind,
      signedIn: signedIn.status,
      email: (await after.getSession())?.user.email ?? null,
    }
  } finally {
    before.dispose()
    after.dispose()
    stop()
  }
}

window.portcullisSocial = run().catch(pageFailure)
