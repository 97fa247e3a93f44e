/**
 * Every ```ts block of README.md, compiled as written: each block is its own module (with
 * `portcullis/*` mapped to src/ and mocks/), so a name it uses without importing fails. The only
 * ambient names are the reader's own (`README_APP` below: the prompts, form values and env of
 * their app, and the React Native / Vite typings their project brings), and a check makes sure
 * none of those names is something a Portcullis entry exports — such a name must be imported.
 *
 * A block preceded by `<!-- continues the snippet above -->` is compiled appended to the block
 * before it (a step of the same app, e.g. the password change after the Quickstart).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../../support/spawn-mock'
import { CONTINUES, readmeSnippets, type Snippet } from './readme-snippets'

/** What the reader's app declares itself, as their project would type it. */
const README_APP = `
declare function askForCode(prompt: { methods: readonly string[]; attemptsLeft: number | null; resend(): Promise<void> }): Promise<string | null>
declare function showSignIn(reason: string): void
declare function showResendLink(): void
declare function ask(prompt: string): Promise<string>
declare function askProfile(missing: readonly string[]): Promise<{ username?: string; password?: string; email?: string; phone?: string }>
declare function pick(methods: readonly string[]): Promise<string>
declare function confirmSkip(): Promise<boolean>
declare function confirmNewAccount(): Promise<boolean>
declare function showQrCode(dataUrl: string): void
declare function showBackupCodes(codes: readonly string[]): void
declare const email: string
declare const password: string
declare const username: string
declare const token: string
declare const oldPassword: string
declare const newPassword: string
declare const newPassword1: string
declare const newPassword2: string
declare const secondEmail: string
declare const baseUrl: string
/* Vite's client types (vite/client), which a Vite app has. */
interface ImportMeta { readonly env: { readonly DEV: boolean; readonly PROD: boolean } }
/* React Native modules, as @react-native-async-storage, expo-secure-store and react-native type them. */
declare module '@react-native-async-storage/async-storage' {
  const AsyncStorage: { getItem(key: string): Promise<string | null>; setItem(key: string, value: string): Promise<void>; removeItem(key: string): Promise<void> }
  export default AsyncStorage
}
declare module 'expo-secure-store' {
  export function getItemAsync(key: string): Promise<string | null>
  export function setItemAsync(key: string, value: string): Promise<void>
  export function deleteItemAsync(key: string): Promise<void>
}
declare module 'react-native' {
  type AppStateStatus = 'active' | 'background' | 'inactive' | 'unknown' | 'extension'
  export const AppState: {
    currentState: AppStateStatus
    addEventListener(type: 'change' | 'memoryWarning' | 'blur' | 'focus', listener: (state: AppStateStatus) => void): { remove(): void }
  }
}
`
const APP_NAMES = [...README_APP.matchAll(/^declare (?:function|const) (\w+)/gm)].map((match) => match[1]!)

/** Compiles each snippet as a module; the diagnostics per snippet, as text. */
function compileSnippets(snippets: readonly Snippet[]): Map<Snippet, string[]> {
  const dir = join(repoRoot, 'test/integration/readme/__snippets__')
  const files = new Map<string, string>([[join(dir, 'app.d.ts'), README_APP]])
  const byFile = new Map<string, Snippet>()
  snippets.forEach((snippet, index) => {
    const file = join(dir, `snippet-${index + 1}.ts`)
    files.set(file, `${snippet.code}\nexport {}\n`)
    byFile.set(file, snippet)
  })
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // A browser app's libs, plus `using` (Node 20 runs it once TypeScript lowers it; see the README).
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts', 'lib.esnext.disposable.d.ts'],
    types: ['node'],
    skipLibCheck: true,
    noUnusedLocals: false,
    baseUrl: repoRoot,
    paths: {
      portcullis: ['src/index.ts'],
      'portcullis/mock': ['mocks/index.ts'],
      'portcullis/mock/browser': ['mocks/browser.ts'],
      'portcullis/mock/node': ['mocks/node.ts'],
      'portcullis/*': ['src/*/index.ts'],
    },
    allowImportingTsExtensions: true,
    resolveJsonModule: true,
    esModuleInterop: true,
  }
  const host = ts.createCompilerHost(options)
  const { getSourceFile, fileExists, readFile } = host
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name)
  host.readFile = (name) => files.get(name) ?? readFile.call(host, name)
  host.getSourceFile = (name, language, onError, create) => {
    const text = files.get(name)
    return text === undefined ? getSourceFile.call(host, name, language, onError, create) : ts.createSourceFile(name, text, language, true)
  }
  const program = ts.createProgram([...files.keys()], options, host)
  const result = new Map<Snippet, string[]>(snippets.map((snippet) => [snippet, []]))
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const snippet = diagnostic.file ? byFile.get(diagnostic.file.fileName) : undefined
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
    if (!snippet) {
      // A diagnostic outside the snippets (the app declarations, the library) fails every snippet.
      for (const list of result.values()) list.push(`${diagnostic.file?.fileName ?? ''}: ${message}`)
      continue
    }
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
    result.get(snippet)!.push(`line ${line + 1} of the block: ${message}`)
  }
  return result
}

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
const snippets = readmeSnippets(readme)

/** Two probes compiled with the README (one program, compiled once): the check must catch a missing import. */
const missingImport: Snippet = { line: 0, heading: 'probe', code: "import { AuthClient } from 'portcullis'\nnew AuthClient({ baseUrl, api: otpApi() })" }
const withImport: Snippet = { line: 0, heading: 'probe', code: "import { AuthClient } from 'portcullis'\nimport { otpApi } from 'portcullis/otp'\nnew AuthClient({ baseUrl, api: otpApi() })" }
let compiled: Map<Snippet, string[]> | undefined
const diagnosticsOf = (snippet: Snippet): string[] => (compiled ??= compileSnippets([...snippets, missingImport, withImport])).get(snippet)!

describe('README snippets compile as written', () => {
  it('finds the blocks, and continuations only after a block', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(10)
    expect(readmeSnippets('```ts\nconst a = 1\n```\n' + CONTINUES + '\n```ts\nconst b = a\n```\n')).toEqual([
      { line: 1, heading: '', code: 'const a = 1\n// README line 5\nconst b = a' },
    ])
  })

  it('declares no app name that a Portcullis entry exports (that one must be imported)', async () => {
    const entries = await Promise.all([
      import('../../../src/index'),
      import('../../../src/platform'),
      import('../../../src/otp'),
      import('../../../src/accounts'),
      import('../../../src/experience'),
      import('../../../src/server'),
      import('../../../mocks/index'),
      import('../../../mocks/browser'),
    ])
    const exported = new Set(entries.flatMap((entry) => Object.keys(entry)))
    expect(APP_NAMES.filter((name) => exported.has(name))).toEqual([])
  })

  it('a block that uses an export without importing it fails the check', () => {
    expect(diagnosticsOf(missingImport).join('\n')).toMatch(/Cannot find name 'otpApi'/)
    expect(diagnosticsOf(withImport)).toEqual([])
  }, 120_000)

  it('every ```ts block of README.md compiles on its own', () => {
    const failures = snippets
      .filter((snippet) => diagnosticsOf(snippet).length > 0)
      .map((snippet) => `README line ${snippet.line} (${snippet.heading}):\n  ${diagnosticsOf(snippet).join('\n  ')}`)
    expect(failures.join('\n\n')).toBe('')
  }, 120_000)

  it('the vitest example is, import paths aside, the file that runs it (testing-against-the-mock.test.ts)', () => {
    const file = readFileSync(join(repoRoot, 'test/integration/readme/testing-against-the-mock.test.ts'), 'utf8')
      .replaceAll("'../../../src/index'", "'portcullis'")
      .replaceAll("'../../../mocks/index'", "'portcullis/mock'")
      .replace(/'\.\.\/\.\.\/\.\.\/src\/(\w+)'/g, "'portcullis/$1'")
    const block = snippets.find((snippet) => snippet.code.includes('setupServer(...mock.handlers)'))
    expect(file.trim()).toBe(block?.code.trim())
  })
})
