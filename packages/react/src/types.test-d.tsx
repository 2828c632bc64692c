import { QueryClient, useQuery } from '@tanstack/react-query';
import { describe, expectTypeOf, it } from 'vitest';
import { isKnewtonAccountError } from './errors/isKnewtonAccountError.js';
import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import type { KnewtonAccountId } from './KnewtonAccountId.js';
import { KnewtonGate, type KnewtonGatedProps } from './KnewtonGate.js';
import { KnewtonProvider } from './KnewtonProvider.js';
import { knewtonAccountQueryOptions } from './knewtonAccountQueryOptions.js';
import { KnewtonTestProvider } from './testing/KnewtonTestProvider.js';
import { useKnewtonAccount } from './useKnewtonAccount.js';
import { useProvisionKnewtonAccount } from './useProvisionKnewtonAccount.js';
import { useSuspenseKnewtonAccount } from './useSuspenseKnewtonAccount.js';

describe('useKnewtonAccount', () => {
  it('narrows on status', () => {
    const account = useKnewtonAccount();
    if (account.status === 'ready') {
      expectTypeOf(account.accountId).toEqualTypeOf<KnewtonAccountId>();
      // Still a string wherever the host passes it on.
      expectTypeOf(account.accountId).toExtend<string>();
    }
    if (account.status === 'error') {
      expectTypeOf(account.error).toEqualTypeOf<KnewtonAccountError>();
      expectTypeOf(account.retry).toEqualTypeOf<() => void>();
      // @ts-expect-error only a ready account has an id
      account.accountId;
    }
    if (account.status === 'pending') {
      // @ts-expect-error no error while pending
      account.error;
    }
    if (account.status === 'opted-out') {
      // @ts-expect-error an opted-out learner is settled, not an error: nothing to show or retry
      account.error;
    }
    expectTypeOf(account.status).toEqualTypeOf<
      'signed-out' | 'pending' | 'ready' | 'error' | 'opted-out'
    >();
  });

  it('has a suspense variant that is never pending or error', () => {
    const account = useSuspenseKnewtonAccount();
    expectTypeOf(account.status).toEqualTypeOf<'signed-out' | 'ready'>();
  });
});

describe('knewtonAccountQueryOptions', () => {
  it('types the data as the account id and the error as the kit error', () => {
    const options = knewtonAccountQueryOptions({ userId: 'u1' });
    const { data, error } = useQuery(options);
    expectTypeOf(data).toEqualTypeOf<string | undefined>();
    expectTypeOf(error).toEqualTypeOf<KnewtonAccountError | null>();
    expectTypeOf(new QueryClient().getQueryData(options.queryKey)).toEqualTypeOf<
      string | undefined
    >();
  });
});

describe('useProvisionKnewtonAccount', () => {
  it('resolves to the account id and takes no variables', () => {
    const provision = useProvisionKnewtonAccount();
    expectTypeOf(provision.mutateAsync).toBeCallableWith();
    expectTypeOf(provision.mutateAsync).returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf(provision.error).toEqualTypeOf<KnewtonAccountError | null>();
  });
});

describe('isKnewtonAccountError', () => {
  it('narrows unknown to the kit error, and code to the codes given', () => {
    const caught: unknown = new Error('x');
    if (isKnewtonAccountError(caught, 'rate_limited', 'knewton_unavailable')) {
      expectTypeOf(caught.code).toEqualTypeOf<'rate_limited' | 'knewton_unavailable'>();
      expectTypeOf(caught.retryAfterMs).toEqualTypeOf<number | undefined>();
    }
    // @ts-expect-error not a code of the contract
    isKnewtonAccountError(caught, 'teapot');
  });
});

const ById = ({ accountId }: { accountId: string }) => <p>{accountId}</p>;
const Branded = ({ accountId }: KnewtonGatedProps) => {
  expectTypeOf(accountId).toEqualTypeOf<KnewtonAccountId>();
  return null;
};
const WrongProps = ({ id }: { id: number }) => <p>{id}</p>;

describe('components', () => {
  it('gives a function child the id, and the error rendering the error and a retry', () => {
    <KnewtonGate
      error={(error, retry) => {
        expectTypeOf(error).toEqualTypeOf<KnewtonAccountError>();
        expectTypeOf(retry).toEqualTypeOf<() => void>();
        return null;
      }}
    >
      {(accountId) => {
        expectTypeOf(accountId).toEqualTypeOf<KnewtonAccountId>();
        return null;
      }}
    </KnewtonGate>;
  });

  it('takes a component that receives the id instead of children, never both or neither', () => {
    <KnewtonGate component={ById} fallback="off" />;
    <KnewtonGate component={Branded} />;
    // @ts-expect-error children or component, not both
    <KnewtonGate component={ById}>also</KnewtonGate>;
    // @ts-expect-error the gate needs something to show
    <KnewtonGate fallback="off" />;
    // @ts-expect-error the component receives { accountId }
    <KnewtonGate component={WrongProps} />;
  });

  it('requires userId on the provider, and refuses null and unknown modes', () => {
    // @ts-expect-error userId must be given, undefined when signed out
    <KnewtonProvider>x</KnewtonProvider>;
    <KnewtonProvider userId={undefined}>x</KnewtonProvider>;
    // @ts-expect-error undefined means absent; null is not accepted
    <KnewtonProvider userId={null}>x</KnewtonProvider>;
    // @ts-expect-error only lazy or eager
    <KnewtonProvider userId="u1" mode="sometimes">
      x
    </KnewtonProvider>;
  });

  it('pins only the documented test states', () => {
    <KnewtonTestProvider state={{ status: 'error', code: 'unauthenticated' }}>
      x
    </KnewtonTestProvider>;
    // @ts-expect-error a ready state has no error code
    <KnewtonTestProvider state={{ status: 'ready', code: 'unauthenticated' }}>
      x
    </KnewtonTestProvider>;
  });
});
