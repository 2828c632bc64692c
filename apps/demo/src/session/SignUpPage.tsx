import { useProvisionKnewtonAccount } from '@knewton-kit/react';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { PageHeading } from '../routing/PageHeading.js';
import { routeHref } from '../routing/route.js';
import { describeUserIdProblem } from './userIdInput.js';
import { useSession, useSignIn } from './useSession.js';

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

function SignUpForm() {
  const signIn = useSignIn();
  const inputId = useId();
  const hintId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const userId = String(new FormData(event.currentTarget).get('userId') ?? '').trim();
    const found = describeUserIdProblem(userId);
    setProblem(found);
    if (found) {
      inputRef.current?.focus();
      return;
    }
    // In a real app this is the partner's own sign-up; the demo sign-in stands in for it.
    signIn.mutate(userId);
  };
  const error =
    problem ?? (signIn.isError ? 'Creating the account failed. Please try again.' : undefined);

  return (
    <form className="card form" onSubmit={submit} aria-label="Sign up" noValidate>
      <label htmlFor={inputId}>Choose a user id</label>
      <input
        ref={inputRef}
        id={inputId}
        name="userId"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        aria-describedby={hintId}
        aria-invalid={error ? true : undefined}
      />
      <p id={hintId} className="hint">
        Your personalised-learning account is set up as part of sign-up (eager provisioning).
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button primary" disabled={signIn.isPending}>
        {signIn.isPending ? 'Creating…' : 'Create account'}
      </button>
      <p className="muted">
        Already have one? <a href={routeHref({ name: 'courses' })}>Sign in</a>
      </p>
    </form>
  );
}

function FinishSignUp({ userId }: { userId: string }) {
  const provision = useProvisionKnewtonAccount();
  const started = useRef(false);
  const statusRef = useRef<HTMLDivElement>(null);

  // Runs once per sign-up: the ref survives StrictMode's simulated remount, so this is one request.
  // biome-ignore lint/correctness/useExhaustiveDependencies: provision once, when this step appears
  useEffect(() => {
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
