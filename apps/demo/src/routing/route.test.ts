import { describe, expect, it } from 'vitest';
import { parseRoute, type Route, routeHref } from './route.js';

describe('routes', () => {
  it.each<Route>([
    { name: 'courses' },
    { name: 'sign-up' },
    { name: 'lesson', lessonId: 'algebra-equations' },
    { name: 'lesson', lessonId: 'odd id/with?chars' },
  ])('round-trips %j through the URL hash', (route) => {
    expect(parseRoute(routeHref(route))).toEqual(route);
  });

  it.each(['', '#', '#/', '#/unknown', '#/lessons', '#/lessons/'])(
    'sends %j to the course list',
    (hash) => {
      expect(parseRoute(hash)).toEqual({ name: 'courses' });
    },
  );
});
