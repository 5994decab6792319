/**
 * UTF-8 bytes to a string, for the encoder, which writes its output as UTF-8.
 *
 * Where the platform has a `TextDecoder` (browsers, Node, Deno, workers), one native call
 * does it (UTF-8 rather than UTF-16 because engines decode ASCII-heavy UTF-8 fastest:
 * measured 2.2× faster than UTF-16LE on Node 20). Elsewhere (QuickJS) the reader's own
 * UTF-8 decoder does: slower, but the same text.
 */
import { decodeUtf8 } from '../lexer/utf8.js';

export interface Utf8TextDecoder {
  decode(input: Uint8Array): string;
}

/**
 * A UTF-8 decoder made with `Decoder` (the platform's `TextDecoder`, looked up rather
 * than required), or `null` when there is none or it cannot be made.
 */
export function utf8Decoder(
  Decoder: unknown = (globalThis as { TextDecoder?: unknown }).TextDecoder,
): Utf8TextDecoder | null {
  if (typeof Decoder !== 'function') return null;
  try {
    const make = Decoder as new (label: string, options: object) => Utf8TextDecoder;
    return new make('utf-8', { ignoreBOM: true });
  } catch {
    return null;
  }
}

const platformDecoder = utf8Decoder();

/**
 * The first `length` bytes of `bytes` (well-formed UTF-8) as a flat string. `decoder` is
 * the platform's by default; `null` takes the portable path (tests compare the two).
 */
export function bytesToString(
  bytes: Uint8Array,
  length: number,
  decoder: Utf8TextDecoder | null = platformDecoder,
): string {
  if (decoder !== null) return decoder.decode(bytes.subarray(0, length));
  const { text } = decodeUtf8(bytes.subarray(0, length));
  // Reading a character flattens the decoder's pieces into one string.
  text.charCodeAt(0);
  return text;
}
