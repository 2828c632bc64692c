import { type FormEvent, useId, useRef, useState } from 'react';
import { routeHref } from '../routing/route.js';
import { describeUserIdProblem } from './userIdInput.js';
import { useSignIn } from './useSession.js';

/** The demo sign-in: a user id stands in for the partner app's own login. */
export function SignInForm() {
  const signIn = useSignIn();
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
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
    signIn.mutate(userId);
  };

  const error = problem ?? (signIn.isError ? 'Signing in failed. Please try again.' : undefined);

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="sign-in-title" noValidate>
      <h2 id="sign-in-title">Sign in</h2>
      <label htmlFor={inputId}>User id</label>
      <input
        ref={inputRef}
        id={inputId}
        name="userId"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        aria-describedby={error ? `${hintId} ${errorId}` : hintId}
        aria-invalid={error ? true : undefined}
      />
      <p id={hintId} className="hint">
        Demo sign-in: any id such as <code>ada</code> works. Knewton never sees it, only a
        pseudonym.
      </p>
      {error && (
        <p id={errorId} className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button primary" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </button>
      <p className="muted">
        New here? <a href={routeHref({ name: 'sign-up' })}>Create an account</a>
      </p>
    </form>
  );
}
