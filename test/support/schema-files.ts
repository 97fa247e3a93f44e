/** Reads the project's own schema files (never ../shared: a user's clone has none). */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'

export const root = resolve(import.meta.dirname, '../..')

export function readText(relative: string): string {
  return readFileSync(join(root, relative), 'utf8')
}

export function readYaml<T = Record<string, unknown>>(relative: string): T {
  return parseYaml(readText(relative)) as T
}

export function listFiles(relativeDir: string, extension: string): string[] {
  return readdirSync(join(root, relativeDir))
    .filter((name) => name.endsWith(extension))
    .sort()
}
