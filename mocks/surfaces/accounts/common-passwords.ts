/**
 * The most common passwords, lowercased: a short stand-in for Django's 20 000-entry list (the
 * CommonPasswordValidator compares the lowercased, trimmed password against it).
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '1234', '123456', '123456789', '12345678', '1234567890', '1234567', '12345', '123123', '111111', '000000', '654321',
  'password', 'password1', 'password12', 'password123', 'passw0rd', 'p@ssw0rd', 'qwerty', 'qwerty123', 'qwertyuiop', 'asdfghjkl',
  'abc123', 'abcd1234', 'iloveyou', 'admin', 'admin123', 'welcome', 'welcome1', 'letmein', 'monkey', 'dragon',
  'football', 'baseball', 'sunshine', 'princess', 'shadow', 'superman', 'michael', 'trustno1', 'master', 'starwars',
  'whatever', 'freedom', 'computer', 'internet', 'changeme', 'secret', 'login', 'hello123', '1q2w3e4r', 'zaq12wsx',
  'qazwsx', '1qaz2wsx', 'football1', 'baseball1', 'jennifer', 'jordan23', 'charlie', 'mustang', 'access', 'batman',
])
