export type { KnewtonErrorOf } from './errors/isKnewtonAccountError.js';
export { isKnewtonAccountError, isKnewtonError } from './errors/isKnewtonAccountError.js';
export type {
  KnewtonAccountErrorCode,
  KnewtonAccountErrorDetails,
} from './errors/KnewtonAccountError.js';
export { KnewtonAccountError } from './errors/KnewtonAccountError.js';
export type { KnewtonErrorCode, KnewtonErrorDetails } from './errors/KnewtonError.js';
export { KnewtonError } from './errors/KnewtonError.js';
export type { KnewtonAccountId } from './KnewtonAccountId.js';
export type { KnewtonClientOptions, KnewtonMode } from './KnewtonClientOptions.js';
export type { KnewtonGatedProps, KnewtonGateProps } from './KnewtonGate.js';
export { KnewtonGate } from './KnewtonGate.js';
export type { KnewtonProviderProps } from './KnewtonProvider.js';
export { KnewtonProvider } from './KnewtonProvider.js';
export type { KnewtonAccountQueryKey } from './knewtonAccountQueryKey.js';
export type { KnewtonAccountQueryOptionsInput } from './knewtonAccountQueryOptions.js';
export { knewtonAccountQueryOptions } from './knewtonAccountQueryOptions.js';
export type { UseKnewtonAccountResult } from './useKnewtonAccount.js';
export { useKnewtonAccount } from './useKnewtonAccount.js';
export type { UseProvisionKnewtonAccountResult } from './useProvisionKnewtonAccount.js';
export { useProvisionKnewtonAccount } from './useProvisionKnewtonAccount.js';
export type { UseSuspenseKnewtonAccountResult } from './useSuspenseKnewtonAccount.js';
export { useSuspenseKnewtonAccount } from './useSuspenseKnewtonAccount.js';
