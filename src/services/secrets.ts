/**
 * Settings keys that hold secrets: written through the API, never answered by it (nor kept in
 * audit details): `secret`, `token`, `password`, or a name ending in one (`webhookSecret`).
 */
export function isSecretKey(key: string): boolean {
  return /^(secret|token|password)$/i.test(key) || /(Secret|Token|Password)$/.test(key);
}
