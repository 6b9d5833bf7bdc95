// Every URL no other route claims. Matching it (instead of matching nothing) lets the root
// middleware run, so the 404 page gets the same security headers and CSP nonce as any page.
import { data } from 'react-router';

export function loader() {
  throw data('Page not found', { status: 404 });
}

export default function NotFound() {
  return null;
}
