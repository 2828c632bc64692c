import type { AccountProvisionerOptions } from './AccountProvisionerOptions.js';
import type { AccountProvisioner } from './types.js';

/** Creates the provisioning service (implementation in progress). */
export async function createAccountProvisioner(
  _options: AccountProvisionerOptions,
): Promise<AccountProvisioner> {
  throw new Error('createAccountProvisioner: not implemented yet');
}
