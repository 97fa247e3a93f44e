/**
 * The console page served at `GET /__mock/`: one self-contained HTML document (inline CSS and
 * script, no CDN, no framework) that drives the control API from a browser.
 */
import { consoleApp } from './app'

const STYLE = `
:root { color-scheme: light dark; --line: #8884; --muted: #888; --accent: #2563eb; --bad: #dc2626; --warn: #d97706; --ok: #16a34a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; }
header { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: center; padding: 10px 16px; background: Canvas; border-bottom: 1px solid var(--line); }
header h1 { font-size: 16px; margin: 0; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; padding: 16px; }
section { border: 1px solid var(--line); border-radius: 8px; padding: 12px; min-width: 0; overflow-x: auto; }
section h2 { font-size: 15px; margin: 0 0 8px; display: flex; gap: 8px; align-items: center; }
section h2 .count { font-weight: normal; color: var(--muted); }
section h2 .tools { margin-left: auto; display: flex; gap: 8px; font-weight: normal; font-size: 13px; align-items: center; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 4px 6px; border-bottom: 1px solid var(--line); }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
tr.empty td, .muted { color: var(--muted); }
tr.ended { opacity: .55; }
form { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 8px 0; }
input, select, textarea, button { font: inherit; }
input:not([type=checkbox]), select { padding: 3px 6px; min-width: 0; width: 9em; }
input.wide { width: 15em; } input.narrow { width: 6.5em; }
textarea { width: 100%; min-height: 5em; font-family: ui-monospace, monospace; }
button { padding: 3px 10px; cursor: pointer; }
button.link { border: 0; background: none; color: var(--accent); padding: 0 4px; }
code, pre { font-family: ui-monospace, monospace; font-size: 12px; }
pre { white-space: pre-wrap; word-break: break-all; margin: 4px 0; max-height: 24em; overflow: auto; }
code.code { font-size: 15px; font-weight: 700; letter-spacing: .08em; }
.token, .links a { word-break: break-all; display: block; }
.badge { display: inline-block; border: 1px solid var(--line); border-radius: 10px; padding: 0 7px; margin: 1px 3px 1px 0; font-size: 12px; }
.badge.on { border-color: var(--accent); color: var(--accent); }
td.bad { color: var(--bad); } td.warn { color: var(--warn); } td.ok { color: var(--ok); }
#status { margin-left: auto; } #updated { color: var(--muted); } #status.error, #updated.error { color: var(--bad); }
#clock-now { font-family: ui-monospace, monospace; font-weight: 600; }
`

const BODY = `
<header>
  <h1>Portcullis mock console</h1>
  <span>Clock <span id="clock-now">…</span> <span id="clock-skew" class="muted"></span></span>
  <label><input type="checkbox" id="live" checked> live</label>
  <button type="button" id="reset" title="Back to the seeded users and settings">Reset backend</button>
  <span id="status" role="status"></span>
  <span id="updated">Loading…</span>
</header>
<main>
  <section id="clock">
    <h2>Clock</h2>
    <form id="advance-form" data-keep>
      <span>Advance</span>
      <button type="button" data-advance="60000">+1 min</button>
      <button type="button" data-advance="3600000">+1 h</button>
      <button type="button" data-advance="86400000">+1 day</button>
      <button type="button" data-advance="2592000000">+30 days</button>
      <input name="advance" placeholder="90s, 15m, 2h, 3d" aria-label="advance by" required>
      <button type="submit">Advance</button>
    </form>
    <form id="set-form">
      <span>Set to</span>
      <input name="now" placeholder="2030-01-01T00:00:00Z" aria-label="set the clock to" required class="wide">
      <button type="submit">Set</button>
    </form>
    <p class="muted">Every expiry in the backend (codes, tokens, throttles) reads this clock.</p>
  </section>
  <section id="outbox">
    <h2>Outbox <span class="count" id="outbox-count"></span><span class="tools"><button type="button" id="outbox-clear">Clear</button></span></h2>
    <div id="outbox-table"></div>
  </section>
  <section id="users">
    <h2>Users <span class="count" id="users-count"></span></h2>
    <div id="users-table"></div>
    <form id="user-form">
      <input name="username" placeholder="username" aria-label="username" autocomplete="off">
      <input name="email" placeholder="email" aria-label="email">
      <input name="phone" placeholder="+15550100" aria-label="phone">
      <input name="password" placeholder="password" aria-label="password" type="password" autocomplete="new-password">
      <input name="totpSecret" placeholder="TOTP secret (base32)" aria-label="TOTP secret">
      <label><input type="checkbox" name="verified" checked> verified</label>
      <label><input type="checkbox" name="twoFactor"> email 2FA</label>
      <button type="submit">Create user</button>
    </form>
  </section>
  <section id="sessions">
    <h2>Live sessions <span class="count" id="sessions-count"></span><span class="tools"><label><input type="checkbox" id="sessions-ended"> show ended</label></span></h2>
    <div id="sessions-table"></div>
  </section>
  <section id="faults">
    <h2>Faults<span class="tools"><button type="button" id="faults-clear">Clear all</button></span></h2>
    <div id="faults-table"></div>
    <form id="fault-form">
      <input name="path" placeholder="/api/graphql or /auth/*" aria-label="path" required class="wide">
      <select name="method" aria-label="method"><option value="">any method</option><option>GET</option><option>POST</option><option>PUT</option><option>PATCH</option><option>DELETE</option></select>
      <input name="operationName" placeholder="operation" aria-label="GraphQL operation name">
      <input name="status" type="number" min="200" max="599" placeholder="status" aria-label="status" class="narrow">
      <input name="delayMs" type="number" min="0" placeholder="delay ms" aria-label="delay in ms" class="narrow">
      <input name="times" type="number" min="1" placeholder="times" aria-label="times" class="narrow">
      <label><input type="checkbox" name="networkError"> network error</label>
      <button type="submit">Add fault</button>
    </form>
  </section>
  <section id="config">
    <h2>Config</h2>
    <form id="config-form" data-keep>
      <textarea name="patch" aria-label="config patch" spellcheck="false">{}</textarea>
      <button type="submit">Apply (deep merge)</button>
    </form>
    <details><summary>Current settings</summary><pre id="config-current"></pre></details>
  </section>
  <section id="requests">
    <h2>Request log<span class="tools"><input id="requests-filter" placeholder="filter" aria-label="filter requests"><button type="button" id="requests-clear">Clear</button></span></h2>
    <div id="requests-table"></div>
  </section>
</main>
`

/**
 * The app, called at once. TypeScript loaders that keep function names (tsx, behind `npm start`)
 * wrap functions in an `__name(fn, name)` helper of the module: the page gets a stand-in.
 * An inline script ends at the first `</script`: a test checks the source holds none.
 */
export const CONSOLE_SCRIPT = `(() => { const __name = (fn) => fn; (${consoleApp.toString()})() })()`

/** The page with `nonce` on its one script and style (the CSP allows only those). */
export function consolePage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Portcullis mock console</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>${BODY}<script nonce="${nonce}">${CONSOLE_SCRIPT}</script>
</body>
</html>
`
}
