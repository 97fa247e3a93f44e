/**
 * The console page's script. It runs in the browser, not here: `page.ts` inlines
 * `consoleApp.toString()`, so this function must be self-contained (no imports, no module-scope
 * names). Written in TypeScript so the compiler checks it like the rest of the mock.
 *
 * Safety: everything shown comes from the backend, and much of it from whoever signed up (names,
 * emails, message bodies), so nodes are built with `textContent` only, never HTML strings; links
 * are made only from http(s) URLs. Its calls are same-origin JSON requests, which pass the control
 * API's Origin and content-type rules on the standalone server and in the msw worker alike.
 */
export function consoleApp(): void {
  type Json = Record<string, unknown>
  type Child = Node | string | number | null | undefined | false
  const POLL_MS = 1000
  const LIST_LIMIT = 200

  const byId = (id: string): HTMLElement => {
    const node = document.getElementById(id)
    if (!node) throw new Error(`console page: #${id} is missing`)
    return node
  }

  /** Builds an element; children become text nodes unless they are nodes already. */
  function h(tag: string, attrs: Record<string, string | boolean | ((event: Event) => void) | undefined> = {}, ...children: Child[]): HTMLElement {
    const node = document.createElement(tag)
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === false) continue
      if (typeof value === 'function') node.addEventListener(name.slice(2), value)
      else node.setAttribute(name, value === true ? '' : value)
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue
      node.append(typeof child === 'object' ? child : String(child))
    }
    return node
  }

  const str = (value: unknown): string => (typeof value === 'string' ? value : '')
  const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : [])

  let mockNow = Date.now()
  /** "in 14m" / "3h ago", measured on the mock clock. */
  function relative(isoTime: unknown): string {
    const at = Date.parse(str(isoTime))
    if (!Number.isFinite(at)) return ''
    const diff = at - mockNow
    const abs = Math.abs(diff)
    const units: Array<[number, string]> = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']]
    const unit = units.find(([ms]) => abs >= ms) ?? [1000, 's']
    const amount = `${Math.floor(abs / unit[0])}${unit[1]}`
    return diff >= 0 ? `in ${amount}` : `${amount} ago`
  }
  const time = (isoTime: unknown): HTMLElement => h('time', { datetime: str(isoTime), title: str(isoTime) }, relative(isoTime))

  /** `#status` says how the last action went; `#updated` how the polling goes. */
  function show(id: 'status' | 'updated', message: string, isError = false): void {
    const node = byId(id)
    node.textContent = message
    node.className = isError ? 'error' : ''
  }
  const setStatus = (message: string, isError = false) => show('status', message, isError)
  const unreachable = (caught: unknown) => show('updated', `Cannot reach the mock: ${caught instanceof Error ? caught.message : String(caught)}`, true)

  /** A control API call; a refusal becomes an Error carrying the API's own message. */
  async function api(path: string, method = 'GET', body?: unknown): Promise<Json> {
    const init: RequestInit = { method, cache: 'no-store', credentials: 'same-origin' }
    if (body !== undefined) {
      init.headers = { 'content-type': 'application/json' }
      init.body = JSON.stringify(body)
    }
    const response = await fetch(`/__mock/${path}`, init)
    const data = (await response.json().catch(() => ({}))) as Json
    if (!response.ok) throw new Error(str(data['message']) || `${method} /__mock/${path}: HTTP ${response.status}`)
    return data
  }

  /** Runs a user action, then shows its error (if any) and refreshes everything. */
  async function act(what: string, run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run()
    } catch (caught) {
      setStatus(`${what}: ${caught instanceof Error ? caught.message : String(caught)}`, true)
      return false
    }
    setStatus(`${what}: done`)
    await refresh(true).catch(unreachable)
    return true
  }

  function table(target: HTMLElement, headings: string[], rows: HTMLElement[], empty: string): void {
    const body = rows.length ? rows : [h('tr', { class: 'empty' }, h('td', { colspan: String(headings.length) }, empty))]
    target.replaceChildren(h('table', {}, h('thead', {}, h('tr', {}, ...headings.map((text) => h('th', {}, text)))), h('tbody', {}, ...body)))
  }

  const badge = (text: string, kind = ''): HTMLElement => h('span', { class: `badge ${kind}` }, text)

  // ---- users -------------------------------------------------------------------------------
  const revealed = new Set<string>()
  let lastUsers: Json[] = []

  function factors(user: Json): HTMLElement {
    const cell = h('td', { class: 'factors' })
    if (user['hasPassword']) cell.append(badge('password'))
    if (user['twoFactor']) cell.append(badge('email 2FA', 'on'))
    const secret = str(user['totpSecret'])
    if (secret) {
      const id = str(user['id'])
      const shown = revealed.has(id)
      cell.append(
        badge(user['totpVerified'] ? 'TOTP' : 'TOTP (unverified)', 'on'),
        h('code', { class: 'secret', 'data-revealed': shown ? 'true' : 'false' }, shown ? secret : '••••••••'),
        h('button', { type: 'button', class: 'link reveal', onclick: () => { if (!revealed.delete(id)) revealed.add(id); renderUsers() } }, shown ? 'hide' : 'reveal'),
      )
    }
    const backupCodes = Number(user['backupCodesLeft'] ?? 0)
    if (backupCodes) cell.append(badge(`backup codes ×${backupCodes}`))
    const passkeys = Number(user['webAuthnCredentials'] ?? 0)
    if (passkeys) cell.append(badge(`WebAuthn ×${passkeys}`))
    if (user['phoneVerified']) cell.append(badge('SMS'))
    const identities = user['identities'] && typeof user['identities'] === 'object' ? Object.keys(user['identities']) : []
    for (const connector of identities) cell.append(badge(connector))
    return cell
  }

  function renderUsers(): void {
    const rows = lastUsers.map((user) =>
      h(
        'tr',
        { 'data-id': str(user['id']) },
        h('td', {}, h('strong', { class: 'username' }, str(user['username']) || '—'), h('div', { class: 'email' }, str(user['email'])), h('div', { class: 'muted' }, str(user['phone']))),
        h('td', {}, badge(str(user['status']) || 'active'), user['verified'] ? badge('verified', 'on') : badge('unverified')),
        factors(user),
        h('td', {}, time(user['lastLoginAt'])),
      ),
    )
    table(byId('users-table'), ['user', 'state', 'factors', 'last sign-in'], rows, 'No users.')
    byId('users-count').textContent = String(lastUsers.length)
  }

  // ---- the other lists ---------------------------------------------------------------------
  let showEnded = false
  let lastSessions: Json[] = []
  function renderSessions(): void {
    const visible = lastSessions.filter((s) => showEnded || s['live'])
    const rows = visible.map((s) =>
      h(
        'tr',
        { 'data-id': str(s['id']), class: s['live'] ? '' : 'ended' },
        h('td', {}, str(s['username']) || str(s['email']) || str(s['userId'])),
        h('td', {}, badge(str(s['surface']))),
        h('td', {}, list(s['amr']).map(String).join(', ')),
        h('td', {}, time(s['createdAt'])),
        h('td', {}, s['revokedAt'] ? 'revoked' : s['refreshExpiresAt'] ? time(s['refreshExpiresAt']) : 'no refresh token'),
      ),
    )
    table(byId('sessions-table'), ['user', 'surface', 'methods', 'started', 'refresh expires'], rows, showEnded ? 'No sessions.' : 'No live sessions.')
    byId('sessions-count').textContent = String(lastSessions.filter((s) => s['live']).length)
  }

  /** http(s) URLs in a message body, as safe links. */
  function links(body: string): HTMLElement[] {
    const found = body.match(/https?:\/\/[^\s<>"')]+/g) ?? []
    return found.flatMap((text) => {
      try {
        const url = new URL(text)
        if (url.protocol !== 'http:' && url.protocol !== 'https:') return []
        return [h('a', { href: url.href, target: '_blank', rel: 'noopener noreferrer' }, text)]
      } catch {
        return []
      }
    })
  }

  function renderOutbox(messages: Json[]): void {
    const rows = messages
      .slice(-LIST_LIMIT)
      .reverse()
      .map((m) =>
        h(
          'tr',
          { 'data-id': str(m['id']) },
          h('td', {}, time(m['createdAt'])),
          h('td', {}, badge(str(m['channel'])), h('div', { class: 'to' }, str(m['to']))),
          h('td', {}, h('div', {}, str(m['subject'])), h('div', { class: 'muted' }, str(m['purpose']))),
          h('td', {}, m['code'] ? h('code', { class: 'code' }, str(m['code'])) : '—'),
          h('td', { class: 'links' }, ...links(str(m['body'])), m['token'] ? h('code', { class: 'token', title: 'link token' }, str(m['token'])) : null),
          h('td', {}, h('details', {}, h('summary', {}, 'body'), h('pre', {}, str(m['body'])))),
        ),
      )
    table(byId('outbox-table'), ['sent', 'to', 'subject', 'code', 'links', ''], rows, 'Nothing sent yet.')
    byId('outbox-count').textContent = String(messages.length)
  }

  function renderFaults(faults: Json[]): void {
    const rows = faults.map((f) => {
      const effect = f['networkError'] ? 'network error' : f['status'] !== undefined ? `status ${String(f['status'])}` : ''
      const delay = f['delayMs'] ? `delay ${String(f['delayMs'])} ms` : ''
      return h(
        'tr',
        { 'data-id': str(f['id']) },
        h('td', {}, h('code', {}, `${str(f['method']) || '*'} ${str(f['path'])}`), f['operationName'] ? h('div', { class: 'muted' }, str(f['operationName'])) : null),
        h('td', {}, [effect, delay].filter(Boolean).join(', ')),
        h('td', {}, String(f['remaining'] ?? '')),
      )
    })
    table(byId('faults-table'), ['matches', 'effect', 'times left'], rows, 'No faults queued.')
  }

  let requestFilter = ''
  let lastRequests: Json[] = []
  function renderRequests(): void {
    const rows = lastRequests
      .filter((r) => !requestFilter || `${str(r['method'])} ${str(r['path'])} ${str(r['operationName'])}`.toLowerCase().includes(requestFilter))
      .slice(-LIST_LIMIT)
      .reverse()
      .map((r) => {
        const status = Number(r['status'])
        return h(
          'tr',
          {},
          h('td', {}, time(r['at'])),
          h('td', {}, h('code', {}, `${str(r['method'])} ${str(r['path'])}`)),
          h('td', {}, str(r['operationName'])),
          h('td', { class: status === 0 || status >= 500 ? 'bad' : status >= 400 ? 'warn' : 'ok' }, status === 0 ? 'network error' : String(status)),
        )
      })
    table(byId('requests-table'), ['at', 'request', 'operation', 'status'], rows, 'No requests yet.')
  }

  function renderClock(clock: Json): void {
    const epoch = Number(clock['epochMs'])
    if (Number.isFinite(epoch)) mockNow = epoch
    byId('clock-now').textContent = str(clock['now'])
    const skew = mockNow - Date.now()
    const hours = Math.round(Math.abs(skew) / 3_600_000)
    byId('clock-skew').textContent = Math.abs(skew) < 60_000 ? 'real time' : `${hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`} ${skew > 0 ? 'ahead of' : 'behind'} real time`
  }

  // ---- polling -----------------------------------------------------------------------------
  const seen = new Map<string, string>()
  /** Whether a response differs from the last one shown (unchanged lists are not redrawn). */
  function changed(key: string, value: unknown, force: boolean): boolean {
    const text = JSON.stringify(value)
    if (!force && seen.get(key) === text) return false
    seen.set(key, text)
    return true
  }

  let live = true
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> | undefined

  async function poll(force: boolean): Promise<void> {
    const [clock, users, sessions, outbox, faults, requests, config] = await Promise.all(
      ['clock', 'users', 'sessions', 'outbox', 'faults', 'requests', 'config'].map((path) => api(path)),
    )
    renderClock(clock!)
    if (changed('users', users, force)) {
      lastUsers = list(users!['users'])
      renderUsers()
    }
    // Times are shown relative to the mock clock, so lists with times redraw when it moves.
    const clockMoved = changed('clock-minute', Math.floor(mockNow / 60_000), false)
    if (changed('sessions', sessions, force) || clockMoved) {
      lastSessions = list(sessions!['sessions'])
      renderSessions()
    }
    if (changed('outbox', outbox, force || clockMoved)) renderOutbox(list(outbox!['messages']))
    if (changed('faults', faults, force)) renderFaults(list(faults!['faults']))
    if (changed('requests', requests, force || clockMoved)) {
      lastRequests = list(requests!['requests'])
      renderRequests()
    }
    if (changed('config', config, force)) byId('config-current').textContent = JSON.stringify(config, null, 2)
    show('updated', `${live ? 'Live' : 'Paused'} · updated ${new Date().toLocaleTimeString()}`)
  }

  /** One poll at a time; `force` redraws everything (after an action). */
  async function refresh(force = false): Promise<void> {
    if (running) await running
    running = poll(force).finally(() => (running = undefined))
    return running
  }

  function schedule(): void {
    clearTimeout(timer)
    if (!live) return
    timer = setTimeout(() => {
      const next = document.hidden ? Promise.resolve() : refresh()
      next.catch(unreachable).finally(schedule)
    }, POLL_MS)
  }

  // ---- forms -------------------------------------------------------------------------------
  const input = (form: HTMLFormElement, name: string): string => {
    const field = form.elements.namedItem(name)
    return field instanceof HTMLInputElement || field instanceof HTMLSelectElement || field instanceof HTMLTextAreaElement ? field.value.trim() : ''
  }
  const checked = (form: HTMLFormElement, name: string): boolean => {
    const field = form.elements.namedItem(name)
    return field instanceof HTMLInputElement && field.checked
  }
  function onSubmit(id: string, handler: (form: HTMLFormElement) => Promise<boolean>): void {
    const form = byId(id) as HTMLFormElement
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      void handler(form).then((ok) => {
        if (ok && form.dataset['keep'] === undefined) form.reset()
      })
    })
  }
  const onClick = (id: string, handler: () => void): void => byId(id).addEventListener('click', handler)

  /** "90s", "15m", "2h", "3d" or plain milliseconds. */
  function duration(text: string): number {
    const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i.exec(text.trim())
    if (!match) throw new Error('Write a duration such as 90s, 15m, 2h, 3d or milliseconds.')
    const unit = (match[2] ?? 'ms').toLowerCase()
    const factor: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
    return Number(match[1]) * (factor[unit] ?? 1)
  }

  onSubmit('user-form', (form) => {
    const user: Json = { password: input(form, 'password') || null, verified: checked(form, 'verified'), twoFactor: checked(form, 'twoFactor') }
    for (const name of ['username', 'email', 'phone', 'totpSecret']) if (input(form, name)) user[name] = input(form, name)
    return act('Create user', () => api('users', 'POST', user))
  })
  onSubmit('advance-form', (form) => act('Advance clock', async () => api('clock', 'POST', { advanceMs: duration(input(form, 'advance')) })))
  onSubmit('set-form', (form) => act('Set clock', () => api('clock', 'POST', { now: input(form, 'now') })))
  for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>('button[data-advance]'))) {
    button.addEventListener('click', () => void act(`Advance clock ${button.textContent ?? ''}`, () => api('clock', 'POST', { advanceMs: Number(button.dataset['advance']) })))
  }
  onSubmit('fault-form', (form) => {
    const rule: Json = { path: input(form, 'path') }
    if (input(form, 'method')) rule['method'] = input(form, 'method')
    if (input(form, 'operationName')) rule['operationName'] = input(form, 'operationName')
    if (checked(form, 'networkError')) rule['networkError'] = true
    for (const name of ['status', 'delayMs', 'times']) if (input(form, name)) rule[name] = Number(input(form, name))
    return act('Add fault', () => api('faults', 'POST', rule))
  })
  onSubmit('config-form', (form) =>
    act('Update config', async () => {
      let patch: unknown
      try {
        patch = JSON.parse(input(form, 'patch'))
      } catch {
        throw new Error('The patch is not valid JSON.')
      }
      return api('config', 'PUT', patch)
    }),
  )
  onClick('faults-clear', () => void act('Clear faults', () => api('faults', 'DELETE')))
  onClick('outbox-clear', () => void act('Clear outbox', () => api('outbox', 'DELETE')))
  onClick('requests-clear', () => void act('Clear request log', () => api('requests', 'DELETE')))
  onClick('reset', () => void act('Reset backend', () => api('reset', 'POST')))
  byId('sessions-ended').addEventListener('change', (event) => {
    showEnded = (event.target as HTMLInputElement).checked
    renderSessions()
  })
  byId('requests-filter').addEventListener('input', (event) => {
    requestFilter = (event.target as HTMLInputElement).value.trim().toLowerCase()
    renderRequests()
  })
  byId('live').addEventListener('change', (event) => {
    live = (event.target as HTMLInputElement).checked
    show('updated', live ? 'Live' : 'Paused')
    schedule()
  })

  refresh(true).catch(unreachable).finally(schedule)
}
