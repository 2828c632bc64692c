import { type FormEvent, type ReactNode, useId, useRef, useState } from 'react';
import { describeUserIdProblem } from './userIdInput.js';
import { useSignIn } from './useSession.js';

export interface UserIdFormProps {
  /** The form's accessible name, shown as its heading when `showTitle`. */
  title: string;
  /** Whether the title is shown as a heading (or only names the form for assistive technology). */
  showTitle: boolean;
  /** Label of the user id field. */
  label: string;
  /** Text under the field. */
  hint: ReactNode;
  /** Button text, idle and while signing in. */
  submitLabel: string;
  pendingLabel: string;
  /** Shown when the server refuses. */
  failedMessage: string;
  /** Below the button, e.g. a link to the other form. */
  children?: ReactNode;
}

/**
 * The demo's user id form, used to sign in and to sign up: a user id stands in for the partner app's own
 * login. A malformed id is refused with an alert and focus back on the field, without calling the server.
 */
export function UserIdForm(props: UserIdFormProps) {
  const signIn = useSignIn();
  const titleId = useId();
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

  const error = problem ?? (signIn.isError ? props.failedMessage : undefined);

  return (
    <form
      className="card form"
      onSubmit={submit}
      aria-labelledby={props.showTitle ? titleId : undefined}
      aria-label={props.showTitle ? undefined : props.title}
      noValidate
    >
      {props.showTitle && <h2 id={titleId}>{props.title}</h2>}
      <label htmlFor={inputId}>{props.label}</label>
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
        {props.hint}
      </p>
      {error && (
        <p id={errorId} className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button primary" disabled={signIn.isPending}>
        {signIn.isPending ? props.pendingLabel : props.submitLabel}
      </button>
      {props.children}
    </form>
  );
}
