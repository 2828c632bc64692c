import { routeHref } from '../routing/route.js';
import { UserIdForm } from './UserIdForm.js';

/** The demo sign-in: a user id stands in for the partner app's own login. */
export function SignInForm() {
  return (
    <UserIdForm
      title="Sign in"
      showTitle
      label="User id"
      hint={
        <>
          Demo sign-in: any id such as <code>ada</code> works. Knewton never sees it, only a
          pseudonym.
        </>
      }
      submitLabel="Sign in"
      pendingLabel="Signing in…"
      failedMessage="Signing in failed. Please try again."
    >
      <p className="muted">
        New here? <a href={routeHref({ name: 'sign-up' })}>Create an account</a>
      </p>
    </UserIdForm>
  );
}
