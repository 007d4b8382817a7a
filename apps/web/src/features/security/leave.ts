/**
 * Leave the app with a full page load: after the account is deleted nothing of it may stay
 * in this page's memory (query cache, component state). A module of its own so that tests
 * can replace it (jsdom cannot navigate).
 */
export function leaveTo(path: string): void {
  window.location.replace(path);
}
