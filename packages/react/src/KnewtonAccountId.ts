/**
 * A Knewton account id the kit reported ready: what `useKnewtonAccount()` (status `ready`) and
 * `<KnewtonGate>`'s function child give. A plain string at run time; the brand exists only in types,
 * so hooks that need an existing account (`@knewton-kit/react/learning`) refuse a bare string or a
 * maybe-undefined id, and using them outside the gate's ready render is a type error.
 */
export type KnewtonAccountId = string & { readonly __knewtonAccountId: true };
