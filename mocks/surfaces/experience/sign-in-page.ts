/**
 * `GET /sign-in`: the mock's own hosted sign-in page, where `GET /oidc/auth` sends the browser, so
 * an app using redirect-based OIDC sign-in can run end to end against the standalone mock. It is
 * a plain form over the experience API (password, then a TOTP or backup code when asked, or
 * skipping MFA enrolment when allowed); apps with their own sign-in page never load it.
 */
const SCRIPT = String.raw`
const $ = (id) => document.getElementById(id)
const api = async (method, path, body) => {
  const response = await fetch('/api/experience' + path, {
    method, credentials: 'include',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined }
}
const show = (step) => { for (const id of ['password-step', 'mfa-step', 'skip-step']) $(id).hidden = id !== step }
const say = (text) => { $('message').textContent = text }
function identifierOf(value) {
  if (value.includes('@')) return { type: 'email', value }
  if (value.startsWith('+')) return { type: 'phone', value }
  return { type: 'username', value }
}
async function submit() {
  const r = await api('POST', '/submit')
  if (r.status === 200) return location.assign(r.body.redirectTo)
  const code = r.body && r.body.code
  if (code === 'session.mfa.require_mfa_verification') {
    $('factors').textContent = r.body.data.availableFactors.join(', ')
    return show('mfa-step')
  }
  if (code === 'user.missing_mfa' && r.body.data.skippable) return show('skip-step')
  say(r.body ? r.body.message + (r.body.data ? ' ' + JSON.stringify(r.body.data) : '') : 'HTTP ' + r.status)
}
$('password-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  say('')
  const init = await api('PUT', '', { interactionEvent: 'SignIn' })
  if (init.status !== 204) return say(init.body ? init.body.message : 'HTTP ' + init.status)
  const v = await api('POST', '/verification/password', { identifier: identifierOf($('identifier').value.trim()), password: $('password').value })
  if (v.status !== 200) return say(v.body.message)
  const id = await api('POST', '/identification', { verificationId: v.body.verificationId })
  if (id.status !== 204) return say(id.body.message)
  await submit()
})
$('mfa-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  say('')
  const code = $('code').value.trim()
  // Six digits are an authenticator code; anything else is tried as a backup code.
  const r = /^\d{6}$/.test(code)
    ? await api('POST', '/verification/totp/verify', { code })
    : await api('POST', '/verification/backup-code/verify', { code })
  if (r.status !== 200) return say(r.body.message)
  await submit()
})
$('skip').addEventListener('click', async () => {
  const r = await api('POST', '/profile/mfa/mfa-skipped')
  if (r.status !== 204) return say(r.body.message)
  await submit()
})
`

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in · Portcullis mock</title>
<style>body{font:16px system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}label,input,button{display:block;width:100%;box-sizing:border-box;margin:.4rem 0}input,button{padding:.5rem}#message{color:#b00020;min-height:1.5em}</style>
</head>
<body>
<h1>Sign in</h1>
<p><small>Portcullis mock backend · demo password <code>portcullis-demo</code></small></p>
<section id="password-step"><form id="password-form">
<label for="identifier">Email, username or phone</label><input id="identifier" name="identifier" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button id="sign-in" type="submit">Sign in</button></form></section>
<section id="mfa-step" hidden><form id="mfa-form">
<p>Second factor required (<span id="factors"></span>).</p>
<label for="code">Authenticator or backup code</label><input id="code" name="code" autocomplete="one-time-code" required>
<button id="verify" type="submit">Verify</button></form></section>
<section id="skip-step" hidden><p>Set up two-step verification now through the experience API, or skip it.</p><button id="skip" type="button">Skip for now</button></section>
<p id="message" role="alert"></p>
<script>${SCRIPT}</script>
</body>
</html>`

export function signInPage(): Response {
  return new Response(PAGE, {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // Only its own inline script and same-origin calls; never framed.
      'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'",
    },
  })
}
