import { knewton } from '@/server/knewton';

// Every method goes to the BFF, which answers unknown paths 404 and wrong methods 405 in its JSON shape.
export const { GET, HEAD, PUT, POST, PATCH, DELETE, OPTIONS } = knewton;
