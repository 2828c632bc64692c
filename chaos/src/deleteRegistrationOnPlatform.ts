import type { CountingSim } from './startCountingSim.js';

/**
 * Deletes an account's registration on the platform through its documented API (`DELETE
 * /v0/registrations/{id}` with the partner-admin token), as another tool of the partner's might: from
 * then on the platform answers the learner's `batch-events` with 404, a refusal for good.
 * Resolves with whether a registration was found and deleted.
 */
export async function deleteRegistrationOnPlatform(
  sim: CountingSim,
  accountId: string,
): Promise<boolean> {
  const basic = Buffer.from(`${sim.sim.apiKey}:${sim.sim.apiSecret}`).toString('base64');
  const tokenAnswer = await fetch(`${sim.url}/v0/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: sim.sim.systemExternalUserId,
    }),
  });
  const { access_token: token } = (await tokenAnswer.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${token}` };
  const instances = (await (
    await fetch(`${sim.url}/v0/learning-instances`, { headers })
  ).json()) as { id: string }[];
  for (const instance of instances) {
    const registrations = (await (
      await fetch(`${sim.url}/v0/learning-instances/${instance.id}/registrations`, { headers })
    ).json()) as { id: string; account_id: string }[];
    const registration = registrations.find((item) => item.account_id === accountId);
    if (registration) {
      const deleted = await fetch(`${sim.url}/v0/registrations/${registration.id}`, {
        method: 'DELETE',
        headers,
      });
      return deleted.status === 204;
    }
  }
  return false;
}
