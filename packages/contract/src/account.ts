/** The body of a successful `GET` or `PUT /account`. */
export interface AccountResponse {
  /** The Knewton account id (a 36-character UUID) of the signed-in user. */
  accountId: string;
  /** When the account was created, ISO-8601. */
  createdAt: string;
}

/** Reads an {@link AccountResponse} from untrusted JSON, or returns `undefined` if it is not one. */
export function parseAccountResponse(json: unknown): AccountResponse | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { accountId, createdAt } = json as Record<string, unknown>;
  return typeof accountId === 'string' && accountId !== '' && typeof createdAt === 'string'
    ? { accountId, createdAt }
    : undefined;
}
