/**
 * The account flows an app needs, as typed calls on an AuthClient with `accountsApi()`. Each
 * resolves when the API answers `success: true` and otherwise rejects with an AuthError whose
 * `code` is the API's (`not_verified`, `invalid_token`, `expired_token`, `password_mismatch` …),
 * with every field's messages in `details` (keys as the API names them: `password2`, `email` …).
 * They run against the adapter's endpoint, classic or relay.
 */
import type { AuthClient } from '../core/auth-client'
import type { AuthResult } from '../core/challenge'
import type {
  ArchiveAccountMutationVariables,
  DeleteAccountMutationVariables,
  PasswordResetMutationVariables,
  PasswordSetMutationVariables,
  RegisterMutationVariables,
  RemoveSecondaryEmailMutationVariables,
  ResendActivationEmailMutationVariables,
  SendPasswordResetEmailMutationVariables,
  SendSecondaryEmailActivationMutationVariables,
  SwapEmailsMutationVariables,
  UpdateAccountMutationVariables,
  VerifyAccountMutationVariables,
  VerifySecondaryEmailMutationVariables,
} from '../generated/accounts/graphql'
import { tokensOf, type AccountsAdapter, type ChangePasswordInput } from './adapter'
import type { OperationSpec } from './operations'

type Auth = AuthClient<AccountsAdapter>

const spec = (name: string, variables: string, select?: string): OperationSpec => {
  const field = name[0]!.toLowerCase() + name.slice(1)
  return { name, field, variables, input: `${name}Input`, ...(select ? { select } : {}) }
}

const TOKEN = 'token:String!'
const PASSWORD = 'password:String!'
const NEW_PASSWORDS = 'token:String!,newPassword1:String!,newPassword2:String!'

const SPECS = {
  register: spec('Register', 'email:String!,username:String!,password1:String!,password2:String!', 'token refreshToken'),
  verifyAccount: spec('VerifyAccount', TOKEN),
  resendActivationEmail: spec('ResendActivationEmail', 'email:String!'),
  sendPasswordResetEmail: spec('SendPasswordResetEmail', 'email:String!'),
  passwordReset: spec('PasswordReset', NEW_PASSWORDS),
  passwordSet: spec('PasswordSet', NEW_PASSWORDS),
  archiveAccount: spec('ArchiveAccount', PASSWORD),
  deleteAccount: spec('DeleteAccount', PASSWORD),
  updateAccount: spec('UpdateAccount', 'firstName:String,lastName:String'),
  sendSecondaryEmailActivation: spec('SendSecondaryEmailActivation', 'email:String!,password:String!'),
  verifySecondaryEmail: spec('VerifySecondaryEmail', TOKEN),
  swapEmails: spec('SwapEmails', PASSWORD),
  removeSecondaryEmail: spec('RemoveSecondaryEmail', PASSWORD),
} satisfies Record<string, OperationSpec>

/** One mutation through the client's adapter; `authorized` sends the JWT (refresh-and-retry included). */
async function perform(auth: Auth, operation: OperationSpec, variables: object, authorized = false): Promise<void> {
  await auth.run(async (context) => {
    await auth.api.call(context, operation, { ...variables }, authorized)
    return { type: 'done' }
  })
}

/**
 * Creates an unverified account and mails its activation link. While the API lets unverified
 * users sign in (the default) it also returns a token pair: the client is then signed in
 * (`{ status: 'signedIn' }`); otherwise `{ status: 'verified' }` and nobody is signed in.
 */
export function register(auth: Auth, input: RegisterMutationVariables): Promise<AuthResult> {
  return auth.run(async (context) => {
    const output = await auth.api.call(context, SPECS.register, { ...input })
    if (typeof output['token'] !== 'string') return { type: 'done' }
    return { type: 'session', tokens: tokensOf(output), user: { id: null, username: input.username, email: input.email } }
  })
}

/** Verifies the account with the token from its activation mail. */
export const verifyAccount = (auth: Auth, input: VerifyAccountMutationVariables): Promise<void> => perform(auth, SPECS.verifyAccount, input)

/** Mails the activation link again (an unknown address also succeeds). */
export const resendActivationEmail = (auth: Auth, input: ResendActivationEmailMutationVariables): Promise<void> =>
  perform(auth, SPECS.resendActivationEmail, input)

/** Mails a password-reset link to a primary or secondary address (`not_verified` for an unverified account, which gets a new activation mail). */
export const sendPasswordResetEmail = (auth: Auth, input: SendPasswordResetEmailMutationVariables): Promise<void> =>
  perform(auth, SPECS.sendPasswordResetEmail, input)

/** Sets a new password with the token from the reset mail; the user's sessions end everywhere. */
export const resetPassword = (auth: Auth, input: PasswordResetMutationVariables): Promise<void> => perform(auth, SPECS.passwordReset, input)

/** Gives a password to an account that has none, with the token from its password-set mail. */
export const setPassword = (auth: Auth, input: PasswordSetMutationVariables): Promise<void> => perform(auth, SPECS.passwordSet, input)

/** Changes the signed-in user's password; the client keeps the new token pair the API returns. */
export function changePassword(auth: Auth, input: ChangePasswordInput): Promise<AuthResult> {
  return auth.run((context) => auth.api.changePassword(context, input))
}

/** Edits the signed-in user's names (fields left out keep their values). */
export const updateAccount = (auth: Auth, input: UpdateAccountMutationVariables): Promise<void> => perform(auth, SPECS.updateAccount, input, true)

/** Archives the signed-in account (the next sign-in brings it back); the server ends its sessions, so the client signs out. */
export async function archiveAccount(auth: Auth, input: ArchiveAccountMutationVariables): Promise<void> {
  await perform(auth, SPECS.archiveAccount, input, true)
  await auth.signOut()
}

/** Deactivates (or deletes, where the server allows) the signed-in account, then signs out. */
export async function deleteAccount(auth: Auth, input: DeleteAccountMutationVariables): Promise<void> {
  await perform(auth, SPECS.deleteAccount, input, true)
  await auth.signOut()
}

/** Mails an activation link to the address that should become the secondary email. */
export const sendSecondaryEmailActivation = (auth: Auth, input: SendSecondaryEmailActivationMutationVariables): Promise<void> =>
  perform(auth, SPECS.sendSecondaryEmailActivation, input, true)

/** Saves the secondary email named in the token from that mail. */
export const verifySecondaryEmail = (auth: Auth, input: VerifySecondaryEmailMutationVariables): Promise<void> =>
  perform(auth, SPECS.verifySecondaryEmail, input)

/** Swaps the signed-in user's primary and secondary emails. */
export const swapEmails = (auth: Auth, input: SwapEmailsMutationVariables): Promise<void> => perform(auth, SPECS.swapEmails, input, true)

/** Drops the signed-in user's secondary email. */
export const removeSecondaryEmail = (auth: Auth, input: RemoveSecondaryEmailMutationVariables): Promise<void> =>
  perform(auth, SPECS.removeSecondaryEmail, input, true)

/** The specs the flows send (a unit test checks them against both schemas). */
export { SPECS as FLOW_OPERATIONS }
