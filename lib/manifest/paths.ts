/**
 * POSIX path arithmetic for `extends` (Volt runs on Linux): the core resolves relative
 * references itself, so it needs no `path` module.
 */

/** `a/b/c.toml` → `a/b`; `c.toml` → `''`; `/c.toml` → `/`. */
export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  if (slash === -1) return '';
  return slash === 0 ? '/' : path.slice(0, slash);
}

/** Joins `ref` to `dir` and removes `.` and `..` segments (keeping leading `..` of a relative path). */
export function joinPath(dir: string, ref: string): string {
  const absolute = ref.startsWith('/') || (ref !== '' && dir.startsWith('/'));
  const joined = ref.startsWith('/') || dir === '' ? ref : `${dir}/${ref}`;
  const out: string[] = [];
  for (const segment of joined.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(segment);
  }
  const body = out.join('/');
  return absolute ? `/${body}` : body === '' ? '.' : body;
}
