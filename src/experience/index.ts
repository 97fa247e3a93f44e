/**
 * `portcullis/experience` for pages and other runtimes with a cookie store of their own (the
 * browser keeps the interaction cookies). Node, Deno and Bun resolve `./node.ts` instead (the
 * package's `node` export condition), which brings a cookie jar.
 */
import { createExperienceApi, type ExperienceAdapter, type ExperienceApiOptions } from './adapter'
import { browserInteraction } from './interaction'

/** The experience adapter for `new AuthClient({ api: experienceApi({ clientId, redirectUri }) })`. */
export const experienceApi = (options: ExperienceApiOptions): ExperienceAdapter => createExperienceApi(options, browserInteraction)

export * from './shared'
