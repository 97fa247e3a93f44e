/**
 * `npm run bench:mock`: the mock's speed.
 *
 * - load: autocannon against the standalone mock and a bare node:http server started in the
 *   same run (protected REST read, GraphQL userProfile, JWKS, login): req/s, p99 and server CPU
 *   µs per request, as ratios to the bare server (bench/mock/load.ts).
 * - scaling: 10, 10,000 and 50,000 users created through the control API, with login and
 *   protected-call latency at each size (bench/mock/scaling.ts).
 * - revocation: session revocation and changePassword among 10,000 sessions (bench/mock/revocation.ts).
 *
 * Options: --only load,scaling,revocation  --seconds 5 (per autocannon run)
 *          --load-rounds 3 (mock/bare pairs per route; the median pair is reported)
 *          --sizes 10,10000,50000  --scaling-iterations 100 (PBKDF2 cost while scaling)
 *          --rounds 7 (revocation medians)
 * Servers listen on 127.0.0.1 only and are stopped at the end. Figures are for this machine and
 * its load at the time (printed first); the ratios to the bare server are what compare.
 */
import { loadavg, cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { runLoad } from './mock/load'
import { runRevocation } from './mock/revocation'
import { runScaling } from './mock/scaling'

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'load,scaling,revocation' },
    seconds: { type: 'string', default: '5' },
    'load-rounds': { type: 'string', default: '3' },
    sizes: { type: 'string', default: '10,10000,50000' },
    rounds: { type: 'string', default: '7' },
    'scaling-iterations': { type: 'string', default: '100' },
  },
})
const only = new Set(values.only.split(','))
const seconds = Math.min(Math.max(Number(values.seconds) || 5, 1), 60)
// Bounded: at most 200,000 users.
const sizes = values.sizes.split(',').map((size) => Math.min(Math.max(Math.floor(Number(size)) || 0, 1), 200_000))
const rounds = Math.max(Number(values.rounds) || 7, 1)

console.log(`Node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`)
if (only.has('load')) await runLoad(seconds, Math.min(Math.max(Math.floor(Number(values['load-rounds'])) || 3, 1), 9))
if (only.has('scaling')) await runScaling(sizes, seconds, Math.max(Math.floor(Number(values['scaling-iterations'])) || 100, 1))
if (only.has('revocation')) await runRevocation(rounds)
console.log(`\nLoad average at the end: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`)
