/** The platform surface over GraphQL-over-HTTP (the shared transport rules are in ../graphql-http.ts). */
import type { RequestContext } from '../../state/types'
import { serveGraphQL } from '../graphql-http'
import { createPlatformContext } from './resolvers/context'
import { platformSchema } from './schema'

export { GRAPHQL_MAX_BODY_BYTES as PLATFORM_MAX_BODY_BYTES, GRAPHQL_MAX_TOKENS as PLATFORM_MAX_TOKENS } from '../graphql-http'

export function handlePlatformRequest(ctx: RequestContext): Promise<Response> {
  return serveGraphQL(ctx, { surface: 'platform', schema: platformSchema(), context: createPlatformContext(ctx) as unknown as Record<string, unknown> })
}
