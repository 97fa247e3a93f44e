/** TOTP and backup-code records: enrolment (new secret / new codes) and second-factor checks. */
import { json } from '../../../control/json'
import { clientOf } from '../../../state/limits'
import { timingSafeEqual } from '../../../state/constant-time'
import { randomHex } from '../../../state/random'
import { hashBackupCode } from '../../../state/users'
import { newTotpSecret, totpUri } from '../../otp/totp'
import { acceptTotp } from '../totp-steps'
import { body, experienceOf, identifiedUser, type ExperienceHandler } from '../call'
import { fail } from '../errors'
import { qrPngDataUrl } from '../qr-png'
import { findRecord, putRecord } from '../records'

export const BACKUP_CODE_COUNT = 10

export const mfaVerificationHandlers: Record<string, ExperienceHandler> = {
  async CreateTotpSecret(call) {
    const user = identifiedUser(call)
    const secret = newTotpSecret()
    const record = putRecord(experienceOf(call), { type: 'Totp', verified: false, userId: user.id, secret })
    const label = user.email ?? user.username ?? user.phone ?? user.id
    const secretQrCode = await qrPngDataUrl(totpUri(secret, label))
    return json({ verificationId: record.id, secret, secretQrCode })
  },

  async VerifyTotpVerification(call) {
    const { state } = call
    const user = identifiedUser(call)
    const experience = experienceOf(call)
    const { code, verificationId } = body<{ code: string; verificationId?: string }>(call)
    // A locked authenticator (config.limits.totpFailures) refuses every code, the right one too,
    // with the documented "invalid" error until the lock opens.
    const check = (secret: string | null) => {
      if (state.limits.totpLocked(user.id).locked || secret === null || !acceptTotp(state, user.id, secret, code)) {
        state.limits.totpFailed(user.id)
        fail(400, 'session.mfa.invalid_totp_code')
      }
      state.limits.totpSucceeded(user.id)
    }
    if (verificationId !== undefined) {
      // Enrolment: the code proves the app holds the new secret.
      const record = findRecord(experience, verificationId, ['Totp'])
      if (record.secret === null || record.userId !== user.id) fail(404, 'session.verification_session_not_found')
      check(record.secret)
      record.verified = true
      return json({ verificationId: record.id })
    }
    check(user.totpVerifiedAt === null ? null : user.totpSecret)
    return json({ verificationId: putRecord(experience, { type: 'Totp', verified: true, userId: user.id, secret: null }).id })
  },

  async GenerateBackupCodes(call) {
    const user = identifiedUser(call)
    const codes = Array.from({ length: BACKUP_CODE_COUNT }, () => randomHex(5))
    const record = putRecord(experienceOf(call), { type: 'BackupCode', verified: true, userId: user.id, codes })
    return json({ verificationId: record.id, codes })
  },

  async VerifyBackupCode(call) {
    const { state } = call
    const user = identifiedUser(call)
    const { code } = body<{ code: string }>(call)
    // Wrong backup codes count as code failures (config.limits.codeFailures), per account and client.
    const taken = state.limits.take('codeFailures', { account: user.id, client: clientOf(call.context.request) })
    if (!taken.ok) fail(400, 'session.mfa.invalid_backup_code')
    const hash = await hashBackupCode(code)
    // Every stored hash is compared, so timing does not tell which code matched.
    let match = -1
    user.backupCodes.forEach((stored, index) => {
      if (timingSafeEqual(stored, hash) && match === -1) match = index
    })
    if (match === -1) fail(400, 'session.mfa.invalid_backup_code')
    taken.release()
    // Spent now, not at submit: a code works once even if the interaction is abandoned.
    state.users.update(user.id, { backupCodes: user.backupCodes.filter((_, index) => index !== match) })
    return json({ verificationId: putRecord(experienceOf(call), { type: 'BackupCode', verified: true, userId: user.id, codes: null }).id })
  },
}
