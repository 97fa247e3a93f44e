/**
 * `portcullis/experience` on Node, Deno and Bun (the `node` export condition): the same exports,
 * with the interaction cookies in a tough-cookie jar (server-side fetch keeps none) and the
 * OIDC redirects followed by hand. Each sign-in gets a fresh jar; a challenge carries it, so
 * `auth.resumeChallenge()` continues the same interaction.
 */
import { createCookieFetch } from '../transport/cookie-jar'
import { createExperienceApi, type ExperienceAdapter, type ExperienceApiOptions } from './adapter'
import { followManually, type InteractionFactory } from './interaction'

const jarInteraction: InteractionFactory = (fetchFn, saved) => {
  const { fetch, save } = createCookieFetch(fetchFn, saved)
  return { fetch, save, follow: (url, redirectUri) => followManually(fetch, url, redirectUri) }
}

/** The experience adapter for `new AuthClient({ api: experienceApi({ clientId, redirectUri }) })`. */
export const experienceApi = (options: ExperienceApiOptions): ExperienceAdapter => createExperienceApi(options, jarInteraction)

export * from './shared'
