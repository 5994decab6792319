/**
 * Running built code inside QuickJS (quickjs-emscripten): bundle an entry of `dist/` with
 * esbuild into one script, evaluate it in a QuickJS context that has no Node globals,
 * and call into it with strings.
 */
import { build } from 'esbuild';
import { type QuickJSContext, type QuickJSRuntime, getQuickJS } from 'quickjs-emscripten';

/**
 * Bundles the built module at `entryPath` (e.g. `dist/lib/toml/index.js`) into a single
 * script that assigns the module's exports to `globalThis[globalName]`. The platform
 * is neutral: an import of a Node builtin or of any package fails the build.
 */
export async function bundleForQuickJS(entryPath: string, globalName: string): Promise<string> {
  const result = await build({
    entryPoints: [entryPath],
    bundle: true,
    write: false,
    format: 'iife',
    globalName,
    platform: 'neutral',
    target: 'es2022',
    logLevel: 'silent',
  });
  if (result.warnings.length > 0) {
    throw new Error(`esbuild warnings: ${result.warnings.map((w) => w.text).join('; ')}`);
  }
  return result.outputFiles[0]!.text;
}

/**
 * QuickJS's own stack limit. Without one, deep recursion overflows the host's stack
 * (the wasm call stack) before QuickJS notices; with this limit QuickJS throws its
 * InternalError first. 512 KiB holds the default nesting limit of 256 with room.
 */
export const QUICKJS_STACK_BYTES = 512 * 1024;

/** One QuickJS runtime and context; evaluate scripts, call global functions. */
export class QuickJS {
  private constructor(
    private readonly runtime: QuickJSRuntime,
    private readonly context: QuickJSContext,
  ) {}

  static async create(): Promise<QuickJS> {
    const module = await getQuickJS();
    const runtime = module.newRuntime();
    runtime.setMaxStackSize(QUICKJS_STACK_BYTES);
    runtime.setMemoryLimit(1024 * 1024 * 1024);
    return new QuickJS(runtime, runtime.newContext());
  }

  /** Evaluates a script; returns its completion value (dumped to a JS value). */
  eval(code: string, filename = 'script.js'): unknown {
    const result = this.context.evalCode(code, filename);
    if (result.error) {
      const error: unknown = this.context.dump(result.error);
      result.error.dispose();
      throw new Error(`QuickJS: ${JSON.stringify(error)}`);
    }
    const value: unknown = this.context.dump(result.value);
    result.value.dispose();
    return value;
  }

  /** Calls the global function `name` with one string argument; returns its string result. */
  call(name: string, argument: string): string {
    const fn = this.context.getProp(this.context.global, name);
    const arg = this.context.newString(argument);
    const result = this.context.callFunction(fn, this.context.undefined, arg);
    fn.dispose();
    arg.dispose();
    if (result.error) {
      const error: unknown = this.context.dump(result.error);
      result.error.dispose();
      throw new Error(`QuickJS: ${JSON.stringify(error)}`);
    }
    const value = this.context.getString(result.value);
    result.value.dispose();
    return value;
  }

  dispose(): void {
    this.context.dispose();
    this.runtime.dispose();
  }
}
