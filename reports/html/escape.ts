// Everything a run folder holds is text from elsewhere: escape it before it reaches HTML.
export function esc(v: unknown): string {
  return String(v ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON safe inside <script type="application/json">: no "</script>" or "<!--" can close it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A relative href for a file name (each path segment percent-encoded). */
export function href(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
