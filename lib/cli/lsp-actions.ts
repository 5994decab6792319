/**
 * Code actions: for each problem of the request's context that `check --fix` fixes
 * (`key-case`, an unknown key with one meaning), a quickfix that makes that fix alone; and
 * one action that makes them all (`source.fixAll`). Their edits are the smallest the
 * change allows: the characters that differ, or a deletion and an insertion for a key
 * moved past text that stays.
 */
import { fixManifest } from '../manifest/edit.js';
import { parseManifest } from '../manifest/read.js';
import type { LspRange, PositionEncoding, TextDocument } from './lsp-text.js';

export interface TextEdit {
  range: LspRange;
  newText: string;
}

export interface CodeAction {
  title: string;
  kind: string;
  diagnostics?: unknown[];
  isPreferred?: boolean;
  edit: { changes: Record<string, TextEdit[]> };
}

/** A diagnostic of the context, as the client sends it back (ours: code, message, range). */
interface ContextDiagnostic {
  range?: LspRange;
  code?: unknown;
  message?: unknown;
}

export const FIX_ALL_KIND = 'source.fixAll.volt-manifest';

/** The length of the longest prefix of `b` that `a` ends with (Knuth–Morris–Pratt). */
function overlap(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return 0;
  const fail = new Int32Array(b.length);
  for (let i = 1, k = 0; i < b.length; i++) {
    while (k > 0 && b[i] !== b[k]) k = fail[k - 1]!;
    if (b[i] === b[k]) k++;
    fail[i] = k;
  }
  let q = 0;
  for (let i = Math.max(0, a.length - b.length); i < a.length; i++) {
    while (q > 0 && a[i] !== b[q]) q = fail[q - 1]!;
    if (a[i] === b[q]) q++;
    if (q === b.length && i < a.length - 1) q = fail[q - 1]!;
  }
  return q;
}

/** True when an offset of `text` splits a surrogate pair or a CRLF (no position there). */
function splits(text: string, offset: number): boolean {
  if (offset <= 0 || offset >= text.length) return false;
  const before = text.charCodeAt(offset - 1);
  const after = text.charCodeAt(offset);
  return (
    (before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff) ||
    (before === 13 && after === 10)
  );
}

/**
 * The edits that turn `doc`'s text into `next`: the span that differs (common prefix and
 * suffix left out); when that span is a block moved past lines both keep (`K B` → `B K'`),
 * a deletion and an insertion instead, so the lines in between are not rewritten.
 */
export function minimalEdits(
  doc: TextDocument,
  next: string,
  encoding: PositionEncoding,
): TextEdit[] {
  const text = doc.text;
  if (text === next) return [];
  let prefix = 0;
  const most = Math.min(text.length, next.length);
  while (prefix < most && text[prefix] === next[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < most - prefix &&
    text[text.length - 1 - suffix] === next[next.length - 1 - suffix]
  )
    suffix++;
  while (splits(text, prefix) || splits(next, prefix)) prefix--;
  while (splits(text, text.length - suffix) || splits(next, next.length - suffix)) suffix--;
  const end = text.length - suffix;
  const was = text.slice(prefix, end);
  const now = next.slice(prefix, next.length - suffix);
  const edit = (from: number, to: number, newText: string): TextEdit => ({
    range: doc.rangeOf(from, to, encoding),
    newText,
  });
  // `was` = X B, `now` = B Y: delete X, insert Y after B.
  const kept = overlap(was, now);
  // `was` = B X, `now` = Y B: insert Y before B, delete X.
  const keptFirst = overlap(now, was);
  // Only a block moved past whole lines is worth two edits (not `th` → `ht`).
  const moved = (length: number, keptText: string) => length > 0 && keptText.includes('\n');
  if (moved(kept, now.slice(0, kept)) && kept >= keptFirst && !splits(text, end - kept))
    return [edit(prefix, end - kept, ''), edit(end, end, now.slice(kept))];
  if (moved(keptFirst, was.slice(0, keptFirst)) && !splits(text, prefix + keptFirst))
    return [
      edit(prefix, prefix, now.slice(0, now.length - keptFirst)),
      edit(prefix + keptFirst, end, ''),
    ];
  return [edit(prefix, end, now)];
}

/** `renamed 'a' to 'b'` → `Rename 'a' to 'b'`: what the action will do. */
function actionTitle(fixMessage: string): string {
  return fixMessage.replace(/^renamed/, 'Rename').replace(/^moved/, 'Move');
}

/**
 * The code actions for `doc`: a quickfix per fixable problem of `context` (matched by code,
 * message and range to the problems of the text), then the fix-all action. `only` is the
 * context's list of kinds wanted (a kind matches its own sub-kinds).
 */
export function codeActions(
  doc: TextDocument,
  path: string,
  context: readonly unknown[],
  only: readonly string[] | null,
  encoding: PositionEncoding,
): CodeAction[] {
  const wanted = (kind: string) =>
    only === null || only.some((k) => kind === k || kind.startsWith(`${k}.`));
  const actions: CodeAction[] = [];
  const changes = (next: string) => ({ changes: { [doc.uri]: minimalEdits(doc, next, encoding) } });
  if (wanted('quickfix')) {
    const problems = parseManifest(doc.text, { path }).diagnostics.filter(
      (d) => d.code === 'key-case' || d.code === 'unknown-key',
    );
    for (const given of context as (ContextDiagnostic | null)[]) {
      // The client sends them back, so they are whatever it sends: a range must be an object.
      if (given === null || typeof given !== 'object') continue;
      if (given.range === null || typeof given.range !== 'object') continue;
      const problem = problems.find(
        (d) =>
          d.code === given.code &&
          d.message === given.message &&
          sameRange(doc.rangeOfLineColumns(d, encoding), given.range!),
      );
      if (problem === undefined) continue;
      const fixed = fixManifest(doc.text, {
        path,
        only: (d) =>
          d.code === problem.code && d.path === problem.path && d.message === problem.message,
      });
      if (fixed.fixes.length !== 1) continue;
      actions.push({
        title: actionTitle(fixed.fixes[0]!.message),
        kind: 'quickfix',
        diagnostics: [given],
        isPreferred: true,
        edit: changes(fixed.text),
      });
    }
  }
  if (wanted(FIX_ALL_KIND)) {
    const all = fixManifest(doc.text, { path });
    if (all.changed)
      actions.push({
        title:
          all.fixes.length === 1
            ? `${actionTitle(all.fixes[0]!.message)} (fix all)`
            : `Apply the ${all.fixes.length} fixes of 'check --fix'`,
        kind: FIX_ALL_KIND,
        edit: changes(all.text),
      });
  }
  return actions;
}

function sameRange(a: LspRange, b: LspRange): boolean {
  return (
    a.start.line === b.start?.line &&
    a.start.character === b.start?.character &&
    a.end.line === b.end?.line &&
    a.end.character === b.end?.character
  );
}
