// One autocannon run in a process of its own (see `load` in http.ts). argv[2]: the run's options
// as JSON; argv[3]: the server's pid. A short unmeasured run first warms this process's JIT, so
// a fast server is not measured against a cold load generator. Prints the measured run's figures
// and the server's CPU time during it (µs, from /proc) as JSON.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'

const options = JSON.parse(process.argv[2])
const pid = Number(process.argv[3])
const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100

function cpuMicros() {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticks
}

const { duration, amount, ...rest } = options
await autocannon({ ...rest, amount: 2000 })
const before = cpuMicros()
const result = await autocannon(options)
const cpu = cpuMicros() - before
process.stdout.write(
  JSON.stringify({
    total: result.requests.total,
    average: result.requests.average,
    p99: result.latency.p99,
    mean: result.latency.average,
    statusCodeStats: result.statusCodeStats ?? {},
    errors: result.errors,
    cpu,
  }),
)
