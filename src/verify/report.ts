/** The three reports of a verify run: for people, for programs (JSON), for CI (JUnit XML). */
import type { VerifyReport } from './index'

const failureLine = (f: { operation: string; path: string; problem: string }) => `${f.operation} ${f.path}: ${f.problem}`

/** The report for people: a line per scenario, failures under it, totals at the end. */
export function toHuman(report: VerifyReport): string {
  const lines = [`portcullis-verify ${report.baseUrl}${report.mock ? ' (the reference mock)' : ''}`]
  let surface = ''
  for (const result of report.results) {
    if (result.surface !== surface) lines.push('', (surface = result.surface))
    const mark = result.outcome === 'passed' ? '✓' : result.outcome === 'failed' ? '✗' : '-'
    lines.push(`  ${mark} ${result.scenario}${result.outcome === 'skipped' ? ` (skipped: ${result.reason})` : ''}`)
    for (const failure of result.failures) lines.push(`      ${failureLine(failure)}`)
  }
  const count = (outcome: string) => report.results.filter((r) => r.outcome === outcome).length
  lines.push('', `${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`)
  return lines.join('\n') + '\n'
}

/** The report as JSON (`--reporter json`). */
export const toJson = (report: VerifyReport): string => JSON.stringify(report, null, 2) + '\n'

const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')

/** JUnit XML: one `<testsuite>` per surface, one `<testcase>` per scenario. */
export function toJUnit(report: VerifyReport): string {
  const surfaces = [...new Set(report.results.map((r) => r.surface))]
  const suites = surfaces.map((surface) => {
    const results = report.results.filter((r) => r.surface === surface)
    const seconds = (ms: number) => (ms / 1000).toFixed(3)
    const cases = results.map((r) => {
      const open = `    <testcase classname="portcullis-verify.${escapeXml(surface)}" name="${escapeXml(r.scenario)}" time="${seconds(r.durationMs)}"`
      if (r.outcome === 'passed') return `${open}/>`
      const inner =
        r.outcome === 'skipped'
          ? `      <skipped message="${escapeXml(r.reason ?? '')}"/>`
          : `      <failure message="${escapeXml(failureLine(r.failures[0]!))}" type="contract">${escapeXml(r.failures.map(failureLine).join('\n'))}</failure>`
      return `${open}>\n${inner}\n    </testcase>`
    })
    const failures = results.filter((r) => r.outcome === 'failed').length
    const skipped = results.filter((r) => r.outcome === 'skipped').length
    const time = seconds(results.reduce((sum, r) => sum + r.durationMs, 0))
    return `  <testsuite name="${escapeXml(surface)}" tests="${results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}" timestamp="${report.startedAt}">\n${cases.join('\n')}\n  </testsuite>`
  })
  const failures = report.results.filter((r) => r.outcome === 'failed').length
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="portcullis-verify" tests="${report.results.length}" failures="${failures}">\n${suites.join('\n')}\n</testsuites>\n`
}
