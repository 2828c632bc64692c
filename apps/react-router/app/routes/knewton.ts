import type { ActionFunctionArgs, LoaderFunctionArgs } from 'react-router';
import { knewtonBff } from '../knewton.server';

// The BFF answers every method itself (405, 404 and CORS included): GET and HEAD come as a loader,
// everything else as an action.
export async function loader({ request }: LoaderFunctionArgs) {
  return (await knewtonBff()).fetch(request);
}

export async function action({ request }: ActionFunctionArgs) {
  return (await knewtonBff()).fetch(request);
}
