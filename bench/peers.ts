/**
 * The contenders, each through its ordinary public API. Every function takes or returns
 * that library's own representation: a stringifier gets what its own parser produced
 * from the same TOML text (the date/time and integer types differ between libraries).
 */
import jToml from '@ltd/j-toml';
import iarnaToml from '@iarna/toml';
import * as smol from 'smol-toml';
import toml5 from 'toml';
import { parseTOML } from 'toml-eslint-parser';
import { parse, parseLocated, stringify } from '../lib/toml/index.js';
import { VERSION } from '../lib/cli/version.js';
import { packageVersion } from './inputs.js';

export interface Peer {
  /** The library, as shown in the tables. */
  name: string;
  version: string;
  /** Plain parse: text to values. */
  parse?: (text: string) => unknown;
  /** A parse that also gives source locations (a syntax tree or spans). */
  located?: (text: string) => unknown;
  /** Values (as produced by this peer's `parse`) back to TOML text. */
  stringify?: (value: unknown) => string;
}

export const OURS = 'volt-manifest';

export const peers: readonly Peer[] = [
  {
    name: OURS,
    version: VERSION,
    parse: (text) => parse(text),
    located: (text) => parseLocated(text),
    stringify: (value) => stringify(value as Record<string, unknown>),
  },
  {
    name: 'smol-toml',
    version: packageVersion('smol-toml'),
    parse: (text) => smol.parse(text),
    stringify: (value) => smol.stringify(value),
  },
  {
    name: '@ltd/j-toml',
    version: packageVersion('@ltd/j-toml'),
    // j-toml needs to be told how to join the lines of multi-line strings.
    parse: (text) => jToml.parse(text, { joiner: '\n', bigint: false }),
    stringify: (value) =>
      jToml.stringify(value as Parameters<typeof jToml.stringify>[0], { newline: '\n' }),
  },
  {
    name: '@iarna/toml',
    version: packageVersion('@iarna/toml'),
    parse: (text) => iarnaToml.parse(text),
    stringify: (value) => iarnaToml.stringify(value as Parameters<typeof iarnaToml.stringify>[0]),
  },
  {
    name: 'toml',
    version: packageVersion('toml'),
    parse: (text) => toml5.parse(text) as unknown,
  },
  {
    name: 'toml-eslint-parser',
    version: packageVersion('toml-eslint-parser'),
    // Its parse gives an ESLint syntax tree with locations: the peer of our located parse.
    located: (text) => parseTOML(text, { tomlVersion: '1.1' }),
  },
];
