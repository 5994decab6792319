/** Parser options and their defaults. */
import { IntegerMode } from './scalars.js';

export interface ParseOptions {
  /** TOML version to accept. `'1.0'` rejects the 1.1 additions. Default `'1.1'`. */
  version?: '1.0' | '1.1';
  /**
   * How integers come back: `'number'` (default; an integer beyond ±(2^53−1) is an
   * error), `'bigint'` (every integer a `bigint`, so `1` and `1.0` stay apart), or
   * `'auto'` (a `number` when exact, else a `bigint`).
   */
  integers?: 'number' | 'bigint' | 'auto';
  /** Maximum nesting of tables, arrays and inline tables. Default 256. */
  maxDepth?: number;
}

export const DEFAULT_MAX_DEPTH = 256;

export interface ResolvedOptions {
  v11: boolean;
  integerMode: IntegerMode;
  maxDepth: number;
}

const DEFAULTS: ResolvedOptions = {
  v11: true,
  integerMode: IntegerMode.Number,
  maxDepth: DEFAULT_MAX_DEPTH,
};

/**
 * A TypeError for an options argument that is not an object (`parse(text, '1.0')` would
 * otherwise parse as 1.1 without a word); undefined and null mean none.
 */
export function checkOptionsObject(options: unknown): void {
  if (options !== undefined && options !== null && typeof options !== 'object') {
    throw new TypeError(`options must be an object, got ${typeof options} ${String(options)}`);
  }
}

/** True for TOML 1.1 (the default), false for 1.0; a TypeError for any other version. */
export function isVersion11(version: unknown): boolean {
  if (version !== '1.0' && version !== '1.1') {
    throw new TypeError(`version must be '1.0' or '1.1', got ${String(version)}`);
  }
  return version === '1.1';
}

export function resolveOptions(options: ParseOptions | undefined): ResolvedOptions {
  if (options === undefined) return DEFAULTS;
  checkOptionsObject(options);
  const v11 = isVersion11(options?.version ?? '1.1');
  const integers = options?.integers ?? 'number';
  const integerMode =
    integers === 'number'
      ? IntegerMode.Number
      : integers === 'bigint'
        ? IntegerMode.BigInt
        : integers === 'auto'
          ? IntegerMode.Auto
          : -1;
  if (integerMode < 0) {
    throw new TypeError(`integers must be 'number', 'bigint' or 'auto', got ${String(integers)}`);
  }
  const maxDepth = options?.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 1) {
    throw new TypeError(`maxDepth must be a positive integer, got ${String(maxDepth)}`);
  }
  return { v11, integerMode: integerMode as IntegerMode, maxDepth };
}
