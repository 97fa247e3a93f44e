/** The user's profile: reading it (`userProfile`) and creating a user with one (`register`). */
import { MockInputError, type User } from '../../../state/types'
import { platformError, type PlatformErrorCode } from '../errors'
import type { Resolver } from './context'
import { requirePasswordPolicy } from './credentials'
import { PLATFORM_STATUS_OK, toUserProfile } from './results'
import type { DeviceInfoArg } from './sessions'
import { takeOrThrow } from './throttle'

export const userProfile: Resolver = async (_root, _args, ctx) => {
  const { user } = await ctx.caller()
  return toUserProfile(user)
}

export const register: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const input = args['input'] as {
    email: string
    password: string
    username?: string | null
    firstName: string
    lastName: string
    dateOfBirth?: string | null
    phoneNumber?: string | null
    address1?: string | null
    address2?: string | null
    city?: string | null
    state?: string | null
    zipCode?: string | null
    country?: string | null
    optInMarketing?: boolean | null
    deviceInfo?: DeviceInfoArg | null
  }
  const firstName = input.firstName.trim()
  const lastName = input.lastName.trim()
  const username = input.username?.trim() || null
  if (!firstName) throw platformError('BAD_USER_INPUT', { field: 'firstName' }, 'The first name must not be empty.')
  if (!lastName) throw platformError('BAD_USER_INPUT', { field: 'lastName' }, 'The last name must not be empty.')
  requirePasswordPolicy(state, input.password, 'password')
  // EMAIL_IN_USE answers whether an address has an account (the schema documents it), so sign-up
  // attempts are throttled per client: enumeration is slowed to `limits.registrations`.
  takeOrThrow(ctx, 'registrations', {})
  if (state.users.findByEmail(input.email, { includeSecondary: true })) {
    throw platformError('EMAIL_IN_USE', { field: 'email' })
  }
  if (username && state.users.findByUsername(username)) throw platformError('USERNAME_IN_USE', { field: 'username' })

  const profile: Record<string, string | boolean | null> = {}
  for (const key of ['dateOfBirth', 'phoneNumber', 'address1', 'address2', 'city', 'state', 'zipCode', 'country'] as const) {
    const value = input[key]
    if (typeof value === 'string') profile[key] = value
  }
  if (typeof input.optInMarketing === 'boolean') profile['optInMarketing'] = input.optInMarketing

  let user: User
  try {
    user = await state.users.create({
      email: input.email.trim(),
      username,
      password: input.password,
      firstName,
      lastName,
      verified: false,
      twoFactor: false,
      profile,
    })
  } catch (error) {
    if (error instanceof MockInputError) {
      const code: PlatformErrorCode =
        error.code === 'email_in_use' ? 'EMAIL_IN_USE' : error.code === 'username_in_use' ? 'USERNAME_IN_USE' : 'BAD_USER_INPUT'
      throw platformError(code, error.field ? { field: error.field } : {}, code === 'BAD_USER_INPUT' ? error.message : undefined)
    }
    throw error
  }
  return { status: PLATFORM_STATUS_OK, userId: user.id, userUid: String(user.pk) }
}
