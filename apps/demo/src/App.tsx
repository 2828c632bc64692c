import { KnewtonProvider } from '@knewton-kit/react';
import { lazy, Suspense } from 'react';
import { CourseList } from './courses/CourseList.js';
import { LessonPage } from './courses/LessonPage.js';
import { AccountStatus } from './knewton/AccountStatus.js';
import { PersonalisationSetting } from './knewton/PersonalisationSetting.js';
import { readProvisioningMode } from './knewton/provisioningMode.js';
import { RecommendedNextPanel } from './knewton/RecommendedNext.js';
import { PageHeading } from './routing/PageHeading.js';
import { routeHref } from './routing/route.js';
import { useRoute } from './routing/useRoute.js';
import { SignInForm } from './session/SignInForm.js';
import { SignUpPage } from './session/SignUpPage.js';
import { useSession, useSignOut } from './session/useSession.js';

// Dev builds only: in a production build the condition is the constant `false`, so the panel's code
// is not even in the bundle.
const DevPanel = import.meta.env.DEV
  ? lazy(() => import('./dev/DevPanel.js').then((module) => ({ default: module.DevPanel })))
  : () => null;

const mode = readProvisioningMode(window.location.search);

// A button, not a `#main` link: the route lives in the hash, so the skip control moves the focus itself.
function skipToContent() {
  document.getElementById('main')?.focus();
}

export function App() {
  const session = useSession();
  const userId = session.data?.userId;

  return (
    <KnewtonProvider userId={userId} mode={mode}>
      <button type="button" className="skip-link" onClick={skipToContent}>
        Skip to content
      </button>
      <header className="topbar">
        <div className="topbar-inner">
          <a className="brand" href={routeHref({ name: 'courses' })}>
            <span className="brand-mark" aria-hidden="true">
              ◆
            </span>{' '}
            Brightpath
          </a>
          {userId !== undefined && <AccountMenu userId={userId} />}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Screen />
      </main>
      <footer className="footer muted">
        A sample app for knewton-kit · lessons work with or without personalisation
      </footer>
      <Suspense fallback={null}>
        <DevPanel />
      </Suspense>
    </KnewtonProvider>
  );
}

function AccountMenu({ userId }: { userId: string }) {
  const signOut = useSignOut();
  return (
    <div className="account-menu">
      <AccountStatus />
      <span className="signed-in-as">
        <span className="signed-in-label">Signed in as </span>
        <strong data-testid="user-id">{userId}</strong>
      </span>
      <button
        type="button"
        className="button"
        onClick={() => signOut.mutate()}
        disabled={signOut.isPending}
      >
        Sign out
      </button>
    </div>
  );
}

function Screen() {
  const session = useSession();
  const [route] = useRoute();

  if (session.isPending) {
    return (
      <p className="muted" aria-busy="true">
        Loading…
      </p>
    );
  }
  if (session.isError) {
    return (
      <section className="card narrow" aria-labelledby="offline-title">
        <PageHeading id="offline-title">The app's server is not answering</PageHeading>
        <p>Check that it is running, then try again.</p>
        <button type="button" className="button primary" onClick={() => session.refetch()}>
          Try again
        </button>
      </section>
    );
  }
  if (route.name === 'sign-up') return <SignUpPage />;
  if (session.data === null) return <SignedOutHome />;

  return (
    <div className="with-aside">
      <div className="primary-column">
        {route.name === 'lesson' ? (
          <LessonPage lessonId={route.lessonId} />
        ) : (
          <>
            <PageHeading>Your courses</PageHeading>
            <CourseList />
          </>
        )}
      </div>
      <aside className="secondary-column" aria-label="For you">
        {/* First: the recommendation appearing below it moves nothing already on screen. */}
        <PersonalisationSetting userId={session.data.userId} />
        <RecommendedNextPanel />
      </aside>
    </div>
  );
}

function SignedOutHome() {
  return (
    <div className="hero">
      <div className="hero-text">
        <PageHeading>Learn maths one small step at a time</PageHeading>
        <p className="lead">
          Short lessons with practice questions and an instant score. Personalised recommendations
          appear when they are available, and everything else works without them.
        </p>
      </div>
      <SignInForm />
    </div>
  );
}
