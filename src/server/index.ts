/**
 * `portcullis/server`: what a resource server needs and a browser bundle does not. Kept out of
 * the core entry so that `import { AuthClient } from 'portcullis'` never carries jose.
 */
export {
  createAccessTokenVerifier,
  verifyAccessToken,
  type AccessTokenClaims,
  type VerifyAccessTokenOptions,
} from './verify-token'
