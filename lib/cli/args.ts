/**
 * A small command-line parser: `--flag`, `--option value`, `--option=value`, and
 * positional arguments. Unknown options are usage errors (exit 2).
 */

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface OptionSpec {
  /** Takes a value (`--format json`), or is a boolean flag. */
  value?: boolean;
  /** Allowed values, when it takes one. */
  choices?: readonly string[];
}

export interface ParsedArgs {
  /** Each option given, with its last value. */
  options: Map<string, string | true>;
  /** Every value of each option that takes one, in order (`--ignore a --ignore b`). */
  values: Map<string, string[]>;
  positionals: string[];
}

export function parseArgs(argv: readonly string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const options = new Map<string, string | true>();
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = (eq === -1 ? arg : arg.slice(0, eq)).replace(/^--?/, '');
    // Own properties only: '--constructor' or '--__proto__' is an unknown option, not a
    // member of Object.prototype.
    const option = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (option === undefined) throw new UsageError(`unknown option '${arg}'`);
    if (!option.value) {
      if (eq !== -1) throw new UsageError(`option '--${name}' takes no value`);
      options.set(name, true);
      continue;
    }
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`option '--${name}' needs a value`);
      value = argv[++i]!;
    }
    if (option.choices !== undefined && !option.choices.includes(value)) {
      throw new UsageError(
        `option '--${name}' must be one of ${option.choices.join(', ')}; got '${value}'`,
      );
    }
    options.set(name, value);
    const all = values.get(name);
    if (all === undefined) values.set(name, [value]);
    else all.push(value);
  }
  return { options, values, positionals };
}
