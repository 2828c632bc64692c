/** The app's screens. The route lives in the URL hash so a reload lands on the same screen. */
export type Route =
  | { name: 'courses' }
  | { name: 'lesson'; lessonId: string }
  | { name: 'sign-up' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  const [first, second] = path.split('/');
  if (first === 'lessons' && second)
    return { name: 'lesson', lessonId: decodeURIComponent(second) };
  if (first === 'sign-up') return { name: 'sign-up' };
  return { name: 'courses' };
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'lesson':
      return `#/lessons/${encodeURIComponent(route.lessonId)}`;
    case 'sign-up':
      return '#/sign-up';
    case 'courses':
      return '#/';
  }
}
