import { createHash, timingSafeEqual } from 'node:crypto';
import { readForm } from '../requestBody.js';
import { jsonResponse } from '../responses.js';
import { SimHttpError } from '../SimHttpError.js';
import type { RouteContext, SimRoute } from '../simState.js';

/** `POST /v0/oauth/token`: client_credentials (scope = an existing external id) and refresh_token. */
export const tokenRoute: SimRoute = {
  method: 'POST',
  path: '/v0/oauth/token',
  auth: 'basic',
  async handler(context: RouteContext) {
    const { state, request, now } = context;
    checkBasicAuth(request, state.options.apiKey, state.options.apiSecret);
    const form = await readForm(request);
    const grantType = form.get('grant_type');
    let accountId: string;
    if (grantType === 'client_credentials') {
      const scope = form.get('scope');
      if (!scope) {
        throw new SimHttpError(
          400,
          'scope is required: the external_user_id of an existing account.',
        );
      }
      const account = state.accounts.findByExternalId(scope);
      if (!account)
        throw new SimHttpError(400, `Unknown scope: no account with external id ${scope}.`);
      if (account.deletedAt !== undefined) {
        throw new SimHttpError(403, `The account with external id ${scope} is disabled.`);
      }
      accountId = account.id;
    } else if (grantType === 'refresh_token') {
      const refreshToken = form.get('refresh_token');
      if (!refreshToken) throw new SimHttpError(400, 'refresh_token is required.');
      const redeemed = state.tokens.redeemRefreshToken(refreshToken);
      if (redeemed === undefined) {
        throw new SimHttpError(400, 'Invalid refresh_token: unknown or already used.');
      }
      if (!state.accounts.get(redeemed)) {
        throw new SimHttpError(403, 'The account of this refresh_token is disabled.');
      }
      accountId = redeemed;
    } else {
      throw new SimHttpError(
        400,
        grantType
          ? `Unsupported grant_type ${grantType}: use client_credentials or refresh_token.`
          : 'grant_type is required: client_credentials or refresh_token.',
      );
    }
    const ttl = state.options.tokenTtlSeconds;
    const issued = state.tokens.issue(accountId, now, ttl);
    return jsonResponse(200, {
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: ttl,
      refresh_token: issued.refreshToken,
      scope: '*',
      account_id: accountId,
      expires_at: new Date(issued.expiresAt).toISOString(),
    });
  },
};

const BASIC_CHALLENGE = { 'www-authenticate': 'Basic realm="knewton"' };

function checkBasicAuth(request: Request, apiKey: string, apiSecret: string): void {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw new SimHttpError(
      401,
      'Basic authentication with the api key and secret is required.',
      BASIC_CHALLENGE,
    );
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon === -1 ? decoded : decoded.slice(0, colon);
  const secret = colon === -1 ? '' : decoded.slice(colon + 1);
  // Both comparisons always run, in constant time, so a wrong key and a wrong secret look alike.
  const keyMatches = sameSecret(key, apiKey);
  const secretMatches = sameSecret(secret, apiSecret);
  if (!(keyMatches && secretMatches)) {
    throw new SimHttpError(401, 'Invalid api key or secret.', BASIC_CHALLENGE);
  }
}

function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
