import { describe, expect, it } from 'vitest'
import { DEMO_BACKUP_CODES, DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../../mocks/demo-users'
import { BASE, control, createUser, expectError, expectOk, identifiedByPassword, interaction, totpCode, useExperienceMock } from './helpers'

const mock = useExperienceMock()

const users = async () => (await (await fetch(`${BASE}/__mock/users`)).json()).users as Array<Record<string, any>>
const publicUser = async (id: string) => (await users()).find((u) => u.id === id)!

/** carol (demo): password, then the TOTP / backup-code factor. */
async function carol() {
  const s = await interaction('SignIn')
  const v = await s.call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: 'carol' }, password: DEMO_PASSWORD })
  expectOk(await s.call('POST', '/api/experience/identification', { verificationId: v.body.verificationId }), 204)
  return s
}

describe('MFA verification at sign-in', () => {
  it('asks for the TOTP factor, accepts a code one step off on the mock clock and refuses two steps off', async () => {
    const s = await carol()
    const blocked = await s.call('POST', '/api/experience/submit')
    expectError(blocked, 403, 'session.mfa.require_mfa_verification')
    expect(blocked.body.data).toEqual({ availableFactors: ['Totp'] })
    // Profile and MFA routes are closed too until the factor is verified.
    expectError(await s.call('POST', '/api/experience/profile/mfa/mfa-skipped'), 403, 'session.mfa.require_mfa_verification')
    expectError(await s.call('POST', '/api/experience/verification/totp/verify', { code: await totpCode(DEMO_TOTP_SECRET, 2) }), 400, 'session.mfa.invalid_totp_code')
    expectError(await s.call('POST', '/api/experience/verification/totp/verify', { code: 'abcdef' }), 400, 'session.mfa.invalid_totp_code')
    expectOk(await s.call('POST', '/api/experience/verification/totp/verify', { code: await totpCode(DEMO_TOTP_SECRET, -1) }))
    expectOk(await s.call('POST', '/api/experience/submit'))
  })

  it('accepts each code once: a replayed code is refused, even in a new interaction', async () => {
    const code = await totpCode(DEMO_TOTP_SECRET)
    const first = await carol()
    expectOk(await first.call('POST', '/api/experience/verification/totp/verify', { code }))
    const second = await carol()
    expectError(await second.call('POST', '/api/experience/verification/totp/verify', { code }), 400, 'session.mfa.invalid_totp_code')
    // An older step is refused too; the next one works.
    expectError(await second.call('POST', '/api/experience/verification/totp/verify', { code: await totpCode(DEMO_TOTP_SECRET, -1) }), 400, 'session.mfa.invalid_totp_code')
    expectOk(await second.call('POST', '/api/experience/verification/totp/verify', { code: await totpCode(DEMO_TOTP_SECRET, 1) }))
  })

  it('bounds TOTP guesses: after 5 wrong codes the authenticator is locked, even the right code is refused', async () => {
    const s = await carol()
    for (let i = 0; i < 5; i++) expectError(await s.call('POST', '/api/experience/verification/totp/verify', { code: '000000' === (await totpCode(DEMO_TOTP_SECRET)) ? '111111' : '000000' }), 400, 'session.mfa.invalid_totp_code')
    expectError(await s.call('POST', '/api/experience/verification/totp/verify', { code: await totpCode(DEMO_TOTP_SECRET) }), 400, 'session.mfa.invalid_totp_code')
    await control.advanceClock(15 * 60_000)
    expectOk(await s.call('POST', '/api/experience/verification/totp/verify', { code: await totpCode(DEMO_TOTP_SECRET) }))
  })

  it('spends a backup code when it is verified (single use), listing backup codes last', async () => {
    await control.setConfig({ experience: { mfa: { factors: ['Totp', 'WebAuthn', 'BackupCode'] } } })
    const s = await carol()
    const blocked = await s.call('POST', '/api/experience/submit')
    expect(blocked.body.data).toEqual({ availableFactors: ['Totp', 'BackupCode'] })
    expectError(await s.call('POST', '/api/experience/verification/backup-code/verify', { code: 'ffffffffff' }), 400, 'session.mfa.invalid_backup_code')
    expectOk(await s.call('POST', '/api/experience/verification/backup-code/verify', { code: DEMO_BACKUP_CODES[0] }))
    const carolId = (await users()).find((u) => u.username === 'carol')!.id
    expect((await publicUser(carolId)).backupCodesLeft).toBe(DEMO_BACKUP_CODES.length - 1)
    expectOk(await s.call('POST', '/api/experience/submit'))
    const next = await carol()
    expectError(await next.call('POST', '/api/experience/verification/backup-code/verify', { code: DEMO_BACKUP_CODES[0] }), 400, 'session.mfa.invalid_backup_code')
  })

  it('after the last backup code is spent, new codes can be bound and the sign-in finishes', async () => {
    await control.setConfig({ experience: { mfa: { factors: ['Totp', 'BackupCode'] } } })
    const user = await createUser(mock, { totpSecret: DEMO_TOTP_SECRET, totpVerified: true, backupCodes: ['9a8b7c6d5e'] })
    const s = await identifiedByPassword(user)
    expectOk(await s.call('POST', '/api/experience/verification/backup-code/verify', { code: '9a8b7c6d5e' }))
    expectError(await s.call('POST', '/api/experience/submit'), 422, 'session.mfa.backup_code_required')
    // Generating the new codes replaces the verified record: the verification must outlive it.
    const generated = await s.call('POST', '/api/experience/verification/backup-code/generate')
    expectOk(generated)
    expectOk(await s.call('POST', '/api/experience/profile/mfa', { type: 'BackupCode', verificationId: generated.body.verificationId }), 204)
    expectOk(await s.call('POST', '/api/experience/submit'))
    expect((await publicUser(user.id)).backupCodesLeft).toBe(10)
  })
})

describe('MFA binding under the policies', () => {
  it('UserControlled: submit asks once (skippable), the skip is saved on the user', async () => {
    const user = await createUser(mock)
    const s = await identifiedByPassword(user)
    const missing = await s.call('POST', '/api/experience/submit')
    expectError(missing, 422, 'user.missing_mfa')
    expect(missing.body.data).toEqual({ availableFactors: ['Totp', 'WebAuthn'], skippable: true })
    expectOk(await s.call('POST', '/api/experience/profile/mfa/mfa-skipped'), 204)
    expectOk(await s.call('POST', '/api/experience/submit'))
    expect((await publicUser(user.id)).mfaSkipped).toBe(true)
    // Next time nobody asks.
    expectOk(await (await identifiedByPassword(user)).call('POST', '/api/experience/submit'))
  })

  it('Mandatory: no skip; TOTP enrolment with the new secret, then backup codes when the settings list them', async () => {
    await control.setConfig({ experience: { mfa: { policy: 'Mandatory', factors: ['Totp', 'BackupCode'] } } })
    const user = await createUser(mock)
    const s = await identifiedByPassword(user)
    const missing = await s.call('POST', '/api/experience/submit')
    expectError(missing, 422, 'user.missing_mfa')
    expect(missing.body.data).toEqual({ availableFactors: ['Totp'] })
    expectError(await s.call('POST', '/api/experience/profile/mfa/mfa-skipped'), 422, 'session.mfa.mfa_policy_not_user_controlled')
    expectError(await s.call('POST', '/api/experience/profile/mfa', { type: 'WebAuthn', verificationId: 'x' }), 400, 'session.mfa.mfa_factor_not_enabled')

    const generated = await s.call('POST', '/api/experience/verification/backup-code/generate')
    expectOk(generated)
    expectError(await s.call('POST', '/api/experience/profile/mfa', { type: 'BackupCode', verificationId: generated.body.verificationId }), 422, 'session.mfa.backup_code_can_not_be_alone')

    const secret = await s.call('POST', '/api/experience/verification/totp/secret')
    expectOk(secret)
    expect(secret.body.secretQrCode).toMatch(/^data:image\/png;base64,iVBORw0KGgo/)
    expectError(await s.call('POST', '/api/experience/profile/mfa', { type: 'Totp', verificationId: secret.body.verificationId }), 400, 'session.verification_failed')
    expectError(await s.call('POST', '/api/experience/verification/totp/verify', { code: '000000', verificationId: 'b'.repeat(21) }), 404, 'session.verification_session_not_found')
    expectOk(await s.call('POST', '/api/experience/verification/totp/verify', { code: await totpCode(secret.body.secret), verificationId: secret.body.verificationId }))
    expectOk(await s.call('POST', '/api/experience/profile/mfa', { type: 'Totp', verificationId: secret.body.verificationId }), 204)
    expectError(await s.call('POST', '/api/experience/submit'), 422, 'session.mfa.backup_code_required')
    expectOk(await s.call('POST', '/api/experience/profile/mfa', { type: 'BackupCode', verificationId: generated.body.verificationId }), 204)
    expectOk(await s.call('POST', '/api/experience/submit'))
    const stored = await publicUser(user.id)
    expect(stored.totpSecret).toBe(secret.body.secret)
    expect(stored.backupCodesLeft).toBe(10)

    // The bound factor now guards sign-in, and a second TOTP cannot be bound.
    const again = await identifiedByPassword(user)
    expectError(await again.call('POST', '/api/experience/submit'), 403, 'session.mfa.require_mfa_verification')
    expectOk(await again.call('POST', '/api/experience/verification/backup-code/verify', { code: generated.body.codes[3] }))
    const another = await again.call('POST', '/api/experience/verification/totp/secret')
    expectOk(await again.call('POST', '/api/experience/verification/totp/verify', { code: await totpCode(another.body.secret), verificationId: another.body.verificationId }))
    expectError(await again.call('POST', '/api/experience/profile/mfa', { type: 'Totp', verificationId: another.body.verificationId }), 422, 'user.totp_already_in_use')
    // A sign-in TOTP record is not an enrolment record.
    const signInRecord = await again.call('POST', '/api/experience/verification/totp/verify', { code: await totpCode(stored.totpSecret, 1) })
    expectError(await again.call('POST', '/api/experience/profile/mfa', { type: 'Totp', verificationId: signInRecord.body.verificationId }), 400, 'session.mfa.pending_info_not_found')
  })

  it('MFA routes need an identified user and are not for ForgotPassword', async () => {
    const signIn = await interaction('SignIn')
    expectError(await signIn.call('POST', '/api/experience/verification/totp/secret'), 404, 'session.identifier_not_found')
    expectError(await signIn.call('POST', '/api/experience/verification/backup-code/generate'), 404, 'session.identifier_not_found')
    expectError(await signIn.call('POST', '/api/experience/verification/backup-code/verify', { code: 'x' }), 404, 'session.identifier_not_found')
    expectError(await signIn.call('POST', '/api/experience/verification/web-authn/registration'), 404, 'session.identifier_not_found')
    expectError(await signIn.call('POST', '/api/experience/verification/web-authn/authentication'), 404, 'session.identifier_not_found')
    expectError(await signIn.call('POST', '/api/experience/verification/totp/verify', { code: '123456' }), 404, 'session.identifier_not_found')
    expectError(await signIn.call('POST', '/api/experience/profile/mfa/mfa-skipped'), 404, 'session.identifier_not_found')
    expectError(await signIn.call('POST', '/api/experience/profile/mfa', { type: 'Totp', verificationId: 'x' }), 404, 'session.identifier_not_found')
    expectError(await signIn.call('POST', '/api/experience/submit'), 404, 'session.identifier_not_found')
    const forgot = await interaction('ForgotPassword')
    expectError(await forgot.call('POST', '/api/experience/profile/mfa/mfa-skipped'), 400, 'session.not_supported_for_forgot_password')
    expectError(await forgot.call('POST', '/api/experience/profile/mfa', { type: 'Totp', verificationId: 'x' }), 400, 'session.not_supported_for_forgot_password')
  })
})
