/** Which keys can be written bare, and how keys appear in messages. */
import { isBareKeyChar } from '../../lexer/scanner.js';

/** True when `key` can be written without quotes (`A-Za-z0-9_-`, at least one). */
export function isBareKey(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (!isBareKeyChar(c)) return false;
  }
  return true;
}

/** A key as written in a message path: bare when possible, quoted otherwise. */
export function formatKey(key: string): string {
  return isBareKey(key) ? key : JSON.stringify(key);
}

/** A key in running text: `'name'`, or `"a b"` when it needs quotes anyway. */
export function keyInMessage(key: string): string {
  return isBareKey(key) ? `'${key}'` : JSON.stringify(key);
}
