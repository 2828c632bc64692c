import { useProvisionKnewtonAccount } from '@knewton-kit/react';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { PageHeading } from '../routing/PageHeading.js';
import { routeHref } from '../routing/route.js';
import { UserIdForm } from './UserIdForm.js';
import { useSession } from './useSession.js';

/**
 * The sign-up flow, showing eager provisioning: once the new user exists, the Knewton account is
 * created right away with `useProvisionKnewtonAccount()`, which also fills the kit's cache so every
 * gate on the next screens opens without another request. Sign-up never waits on Knewton: if the
 * platform is down the user carries on and the account is created later, on first use.
 */
export function SignUpPage() {
  const session = useSession();
  return (
    <section className="narrow" aria-labelledby="sign-up-title">
      <PageHeading id="sign-up-title">Create your account</PageHeading>
      {session.data ? <FinishSignUp userId={session.data.userId} /> : <SignUpForm />}
    </section>
  );
}

/** In a real app this is the partner's own sign-up; the demo sign-in stands in for it. */
function SignUpForm() {
  return (
    <UserIdForm
      title="Sign up"
      showTitle={false}
      label="Choose a user id"
      hint="Personalised learning is set up as part of sign-up."
      submitLabel="Create account"
      pendingLabel="Creating…"
      failedMessage="Creating the account failed. Please try again."
    >
      <p className="muted">
        Already have one? <a href={routeHref({ name: 'courses' })}>Sign in</a>
      </p>
    </UserIdForm>
  );
}

function FinishSignUp({ userId }: { userId: string }) {
  const provision = useProvisionKnewtonAccount();
  const started = useRef(false);
  const statusRef = useRef<HTMLDivElement>(null);

  // Runs once per sign-up: the ref survives StrictMode's simulated remount, so this is one request.
  // A layout effect, so the ensure is on its way before the header's gate (a passive effect) would
  // read: in eager mode the gate then waits for it instead of sending a GET that answers 404.
  // biome-ignore lint/correctness/useExhaustiveDependencies: provision once, when this step appears
  useLayoutEffect(() => {
    if (started.current) return;
    started.current = true;
    provision.mutate();
  }, []);

  useEffect(() => {
    if (!provision.isPending) statusRef.current?.focus();
  }, [provision.isPending]);

  return (
    <div className="card" role="status" aria-live="polite" tabIndex={-1} ref={statusRef}>
      <p>
        Welcome, <strong>{userId}</strong>.
      </p>
      {provision.isPending || provision.isIdle ? (
        <p className="muted">Setting up personalised learning…</p>
      ) : provision.isSuccess ? (
        <p>Personalised learning is ready.</p>
      ) : (
        <p>
          Personalised learning could not be set up right now. Everything else works, and it will be
          set up automatically later.
        </p>
      )}
      <a className="button primary" href={routeHref({ name: 'courses' })}>
        Start learning
      </a>
    </div>
  );
}
