/**
 * UTF-16 code units to a string, for the encoder, which writes its output as code units.
 *
 * Where the platform has a `TextDecoder` (browsers, Node, Deno, workers) and stores code
 * units little-endian, one native call does it. Elsewhere (QuickJS) the units go through
 * `String.fromCharCode` in runs: slower, but the same text.
 */

export interface Utf16Decoder {
  decode(input: Uint16Array): string;
}

/** Whether this platform stores a `Uint16Array`'s units low byte first. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A UTF-16LE decoder made with `Decoder` (the platform's `TextDecoder`, looked up rather
 * than required), or `null` when there is none, it cannot decode UTF-16LE, or the
 * platform is big-endian.
 */
export function utf16Decoder(
  Decoder: unknown = (globalThis as { TextDecoder?: unknown }).TextDecoder,
  littleEndian = LITTLE_ENDIAN,
): Utf16Decoder | null {
  if (typeof Decoder !== 'function' || !littleEndian) return null;
  try {
    const make = Decoder as new (label: string, options: object) => Utf16Decoder;
    return new make('utf-16le', { ignoreBOM: true });
  } catch {
    return null;
  }
}

const platformDecoder = utf16Decoder();

/**
 * Plain arrays of 1, 2, 4, … 1024 numbers, reused to hand code units to
 * `String.fromCharCode`, which converts a plain array of exactly the units to convert
 * quickly (a typed array, or a new array per call, costs several times more).
 */
const LARGEST_RUN = 10;
const runs: number[][] = [];
for (let k = 0; k <= LARGEST_RUN; k++) runs.push(new Array<number>(1 << k).fill(0));

/**
 * The first `length` code units of `codes` as a flat string. `decoder` is the
 * platform's by default; `null` takes the portable path (tests compare the two).
 */
export function codesToString(
  codes: Uint16Array,
  length: number,
  decoder: Utf16Decoder | null = platformDecoder,
): string {
  if (decoder !== null) return decoder.decode(codes.subarray(0, length));
  let out = '';
  let at = 0;
  // Runs of 1024 while they last, then the rest by powers of two, largest first.
  for (let k = LARGEST_RUN; k >= 0; k--) {
    const size = 1 << k;
    const units = runs[k]!;
    while (length - at >= size) {
      for (let i = 0; i < size; i++) units[i] = codes[at + i]!;
      out += String.fromCharCode.apply(null, units);
      at += size;
    }
  }
  // Reading a character flattens the pieces into one string.
  out.charCodeAt(0);
  return out;
}
