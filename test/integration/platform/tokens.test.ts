/** Platform surface: newToken (refresh rotation and reuse detection) and logout. */
import { describe, expect, it } from 'vitest'
import { LogoutDocument, NewTokenDocument, UserProfileDocument } from '../../../src/generated/platform/graphql'
import { advanceClock, createUser, expectFieldError, gql, login, usePlatformMock } from './helpers'

usePlatformMock()

/** The selection client SDKs use for a refresh. */
const SDK_REFRESH = /* GraphQL */ `
  mutation Refresh($refreshToken: String!) {
    newToken(refreshToken: $refreshToken) {
      token
      refreshToken
      currentLoginAt
    }
  }
`

interface RefreshResult {
  newToken: { token: string | null; refreshToken: string | null; currentLoginAt: string | null } | null
}

async function profileId(token: string | null | undefined): Promise<string | null> {
  const reply = await gql(UserProfileDocument, undefined, { token })
  return reply.body.data?.userProfile?.id ?? null
}

describe('newToken', () => {
  it('rotates the refresh token and issues a working access token', async () => {
    const user = await createUser()
    const first = await login(user)
    await advanceClock(5 * 60 * 1000)
    const reply = await gql<RefreshResult>(SDK_REFRESH, { refreshToken: first.refreshToken })
    expect(reply.body.errors).toBeUndefined()
    const next = reply.body.data!.newToken!
    expect(next.token).toBeTruthy()
    expect(next.token).not.toBe(first.token)
    expect(next.refreshToken).toBeTruthy()
    expect(next.refreshToken).not.toBe(first.refreshToken)
    expect(next.currentLoginAt).toBe(first.currentLoginAt)
    expect(await profileId(next.token)).toBe(user.id)

    // The full document works as well and keeps the session.
    const full = await gql(NewTokenDocument, { refreshToken: next.refreshToken! })
    expect(full.body.data?.newToken).toMatchObject({ status: 200, sessionId: first.sessionId, userId: user.id, promptTwoFactorAuth: false })
    expect(full.body.data?.newToken?.userProfile?.id).toBe(user.id)
  })

  it('detects reuse: the family and the session are revoked', async () => {
    const user = await createUser()
    const first = await login(user)
    const rotated = (await gql<RefreshResult>(SDK_REFRESH, { refreshToken: first.refreshToken })).body.data!.newToken!

    expectFieldError(await gql(NewTokenDocument, { refreshToken: first.refreshToken! }), 'newToken', 'REFRESH_TOKEN_REUSED')
    // The legitimate successor dies with its family, and so do the session's access tokens.
    expectFieldError(await gql(NewTokenDocument, { refreshToken: rotated.refreshToken! }), 'newToken', 'INVALID_REFRESH_TOKEN')
    expect(await profileId(rotated.token)).toBeNull()
    expect(await profileId(first.token)).toBeNull()
  })

  it('rejects an unknown or expired refresh token', async () => {
    const user = await createUser()
    expectFieldError(await gql(NewTokenDocument, { refreshToken: 'not-a-refresh-token' }), 'newToken', 'INVALID_REFRESH_TOKEN')
    const { refreshToken } = await login(user)
    await advanceClock(24 * 60 * 60 * 1000 + 1000)
    const error = expectFieldError(await gql(NewTokenDocument, { refreshToken: refreshToken! }), 'newToken', 'INVALID_REFRESH_TOKEN')
    expect(error.extensions?.reason).toBe('expired')
  })
})

describe('logout', () => {
  it('kills the session at once: access token and refresh family', async () => {
    const user = await createUser()
    const session = await login(user)
    const other = await login(user)
    const reply = await gql(LogoutDocument, {}, { token: session.token })
    expect(reply.body.errors).toBeUndefined()
    expect(reply.body.data?.logout).toEqual({ status: 200 })

    expect(await profileId(session.token)).toBeNull()
    expectFieldError(await gql(UserProfileDocument, undefined, { token: session.token }), 'userProfile', 'UNAUTHENTICATED')
    expectFieldError(await gql(NewTokenDocument, { refreshToken: session.refreshToken! }), 'newToken', 'INVALID_REFRESH_TOKEN')
    expectFieldError(await gql(LogoutDocument, {}, { token: session.token }), 'logout', 'UNAUTHENTICATED')
    // Another session of the same user on another device is untouched.
    expect(await profileId(other.token)).toBe(user.id)
  })

  it('with deviceInfo also signs out the other sessions on that device', async () => {
    const user = await createUser()
    const a = await login(user, 'phone')
    const b = await login(user, 'phone')
    const c = await login(user, 'laptop')
    await gql(LogoutDocument, { deviceInfo: { deviceId: 'phone' } }, { token: a.token })
    expect(await profileId(a.token)).toBeNull()
    expect(await profileId(b.token)).toBeNull()
    expect(await profileId(c.token)).toBe(user.id)
  })

  it('is UNAUTHENTICATED without a token', async () => {
    expectFieldError(await gql(LogoutDocument, {}), 'logout', 'UNAUTHENTICATED')
  })
})
