/**
 * `npm run docs`: the API reference (TypeDoc) of every public entry in package.json `exports`,
 * written to docs/api/ (gitignored). Entries are read from `exports` (each export's `types` file
 * mapped back to its source through tsup's entry table), so a new subpath is documented as soon
 * as it is exported. Warnings are errors: every exported symbol needs a doc comment.
 *
 *   npm run docs                 # build docs/api/index.html
 *   npm run docs -- --check      # validate only, write nothing (what `npm test` runs)
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Application, Converter, LogLevel, ReflectionKind, type Context } from 'typedoc'
import { entries } from '../tsup.config'

const root = resolve(import.meta.dirname, '..')
const OUT_DIR = join(root, 'docs/api')

type ExportTarget = string | { [condition: string]: ExportTarget } | null

/** Every `types` file an export condition tree points at. */
function typesFiles(target: ExportTarget): string[] {
  if (target === null || typeof target === 'string') return []
  return Object.entries(target).flatMap(([condition, value]) => (condition === 'types' && typeof value === 'string' ? [value] : typesFiles(value)))
}

/** Public subpath → source entry file, e.g. `portcullis/platform` → `src/platform/index.ts`. */
export function publicEntries(): Map<string, string[]> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; exports: Record<string, ExportTarget> }
  const table = entries as Record<string, string>
  const result = new Map<string, string[]>()
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const names = new Set(typesFiles(target).map((file) => file.replace(/^\.\/dist\//, '').replace(/\.d\.c?ts$/, '')))
    if (names.size === 0) continue // ./package.json
    const sources = [...names].map((name) => {
      const source = table[name]
      if (!source) throw new Error(`package.json exports ${subpath} → dist/${name}, which tsup.config.ts does not build`)
      return source
    })
    result.set(subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`, sources)
  }
  return result
}

/**
 * Kinds that must carry a doc comment: every exported declaration (and the methods of exported
 * interfaces). Properties are not required: the generated result types have thousands, named
 * after the schema's fields.
 */
const REQUIRED_KINDS = ['Class', 'Enum', 'Function', 'Interface', 'Namespace', 'TypeAlias', 'Variable'] as const

/**
 * Types that appear inside public signatures without being exports of their own (parameter
 * shapes, the mock's concrete stores): shown inline in the reference, not as pages.
 */
const INTERNAL_TYPES = [
  'BackendStateDump',
  'Scenario',
  'RawGraphQLClient',
  'IncomingCall',
  'Worker',
  'ChallengeOf',
  'Exact',
  'OtpOptional',
  'Limits',
  'MemoryCodeStore',
  'MemoryFaultStore',
  'MemoryOutbox',
  'MemoryRequestLog',
  'MemoryTokenService',
  'MemoryUserStore',
  'Verifier',
  'ActionPayload',
  'ClockOptions',
  'Output',
  'Auth',
  'Schemas',
  'Listener',
  'OperationSpec',
  'VariablesArgs',
  'ErrorSite',
  'StepUpOptions',
  'SendWithHeaders',
]

async function main(): Promise<void> {
  const check = process.argv.includes('--check')
  const targets = publicEntries()
  const app = await Application.bootstrapWithPlugins({
    name: 'portcullis',
    entryPoints: [...targets.values()].flat(),
    entryPointStrategy: 'resolve',
    tsconfig: join(root, 'tsconfig.json'),
    readme: 'none',
    out: OUT_DIR,
    // `tsc --noEmit` checks types already; TypeDoc only reads them.
    skipErrorChecking: true,
    excludeExternals: true,
    excludePrivate: true,
    excludeInternal: true,
    treatWarningsAsErrors: true,
    // No "Defined in" links: they would point into a local clone, and a clone without a usable
    // `origin` remote made TypeDoc warn (an error here) on a machine where nothing else was wrong.
    disableSources: true,
    validation: { notExported: true, invalidLink: true, notDocumented: true, rewrittenLink: true, unusedMergeModuleWith: true, invalidPath: true },
    requiredToBeDocumented: [...REQUIRED_KINDS],
    intentionallyNotExported: [...INTERNAL_TYPES],
    // openapi-typescript writes `@description` and friends in the generated `paths` types.
    blockTags: ['@description', '@default', '@example', '@deprecated', '@returns', '@param', '@throws', '@see', '@remarks', '@typeParam', '@enum', '@constant', '@format'],
    logLevel: LogLevel.Info,
  })
  // Modules are named after the import a user writes (`portcullis/platform`), not the source path.
  const moduleNames = new Map<string, string>()
  for (const [name, sources] of targets) {
    for (const source of sources) moduleNames.set(resolve(root, source), sources.length > 1 && !source.endsWith('/index.ts') ? `${name} (${source.replace(/^.*\/(\w+)\.ts$/, '$1')})` : name)
  }
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context: Context) => {
    for (const module of context.project.getChildrenByKind(ReflectionKind.Module)) {
      const file = module.sources?.[0]?.fullFileName
      const name = file ? moduleNames.get(resolve(file)) : undefined
      if (name) module.name = name
    }
  })
  const project = await app.convert()
  if (!project) throw new Error('TypeDoc could not convert the project (see the messages above).')
  app.validate(project)
  if (app.logger.hasErrors() || app.logger.hasWarnings()) {
    process.exitCode = 1
    return
  }
  if (check) {
    console.log(`API reference: ${targets.size} entries, ${project.getReflectionsByKind(ReflectionKind.SomeExport).length} documented exports, no warnings.`)
    return
  }
  await app.generateDocs(project, OUT_DIR)
  if (app.logger.hasErrors() || app.logger.hasWarnings()) process.exitCode = 1
  else console.log(`API reference written to ${OUT_DIR}/index.html (${targets.size} entries).`)
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main()
