import { index, type RouteConfig, route } from '@react-router/dev/routes';

export default [
  index('routes/home.tsx'),
  route('lazy', 'routes/lazy.tsx'),
  // A resource route (no component): every method under /api/knewton goes to the BFF.
  route('api/knewton/*', 'routes/knewton.ts'),
  // The example's stand-in sign-in: POST {"userId": "..."} sets the session cookie.
  route('api/session', 'routes/session.ts'),
] satisfies RouteConfig;
