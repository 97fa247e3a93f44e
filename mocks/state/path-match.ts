/** Fault rules and the request-log filter share one rule: exact path, or a prefix when it ends with `*`. */
export function pathMatches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern
}
