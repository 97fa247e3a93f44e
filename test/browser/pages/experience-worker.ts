/**
 * Page for test/browser/experience-worker.test.ts: the experience surface served in the page by
 * `portcullis/mock/browser`. A sign-in page's calls (with `credentials: 'include'`) must carry
 * the interaction cookies although a service-worker response cannot set cookies itself.
 */
import { DEMO_PASSWORD, startMockWorker } from '../../../mocks/browser'
import { pageFailure } from './report'

const BASE = 'http://auth.portcullis.test'

export interface ExperienceWorkerReport {
  ok: boolean
  error?: string
  cookieNames?: string[]
  statuses?: Record<string, number>
  redirectTo?: string
  resumed?: number | null
}

function b64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

async function run(): Promise<ExperienceWorkerReport> {
  const { mock, stop } = await startMockWorker({ start: { onUnhandledRequest: 'bypass', quiet: true } })
  try {
    const call = async (method: string, path: string, body?: unknown) =>
      fetch(`${BASE}${path}`, { method, credentials: 'include', headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    await call('PUT', '/__mock/config', { experience: { mfa: { factors: [] } } })
    const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)))
    const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
    const params = new URLSearchParams({ client_id: 'portcullis-demo', redirect_uri: 'http://localhost:5173/callback', response_type: 'code', scope: 'openid', state: 'st', code_challenge: challenge, code_challenge_method: 'S256' })
    await fetch(`${BASE}/oidc/auth?${params}`, { credentials: 'include', redirect: 'manual' })
    const cookieNames = document.cookie.split('; ').map((pair) => pair.split('=')[0]!).sort()
    const statuses: Record<string, number> = {}
    statuses['init'] = (await call('PUT', '/api/experience', { interactionEvent: 'SignIn' })).status
    const password = await call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: 'alice' }, password: DEMO_PASSWORD })
    statuses['password'] = password.status
    const { verificationId } = (await password.json()) as { verificationId: string }
    statuses['identification'] = (await call('POST', '/api/experience/identification', { verificationId })).status
    const submitted = await call('POST', '/api/experience/submit')
    statuses['submit'] = submitted.status
    const { redirectTo } = (await submitted.json()) as { redirectTo: string }
    await fetch(redirectTo, { credentials: 'include', redirect: 'manual' })
    const resumed = mock.requests.list().find((entry) => entry.path === new URL(redirectTo).pathname)?.status ?? null
    return { ok: true, cookieNames, statuses, redirectTo, resumed }
  } finally {
    stop()
  }
}

;(window as unknown as { experienceReport: Promise<ExperienceWorkerReport> }).experienceReport = run().catch(pageFailure)
