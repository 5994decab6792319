/**
 * Diagnostics: every problem found in a manifest, with a stable code, a severity, a
 * message, the key path and the exact position. The catalogue below is the single list
 * of codes (the docs and the error-code reference are generated from it).
 */
import type { TomlError, TomlErrorCode } from '../toml/errors.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Stable code, e.g. `cpu-weight-out-of-range`; TOML syntax errors are `toml-<code>`. */
  code: string;
  message: string;
  /** Key path, e.g. `resources.cpu_weight`, `storage.volumes[1].host`; `''` for the document. */
  path: string;
  /** The file the offending text is in (`''` when built from memory without a path). */
  file: string;
  /** 1-based position of the offending value, key or header; 0 when there is no text (JSON input). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

interface CodeInfo {
  severity: Severity;
  /** What the code means, for the error-code catalogue. */
  summary: string;
  /** A manifest fragment that triggers it. */
  example: string;
}

/** Every diagnostic code, its severity and meaning. */
export const DIAGNOSTIC_CODES = {
  'toml-syntax': {
    severity: 'error',
    summary:
      'The file is not valid TOML. The code is `toml-` followed by the TOML error code (for example `toml-duplicate-key`, `toml-unterminated-string`).',
    example: 'name = "web',
  },
  'unknown-key': {
    severity: 'error',
    summary:
      'A key the manifest model does not define; the message suggests the closest known key.',
    example: '[resources]\ncpu_weigth = 100',
  },
  'integer-not-exact': {
    severity: 'error',
    summary:
      'An integer beyond ±2^53 (9007199254740992) that a JavaScript number cannot hold exactly, in a manifest field. No field takes one (every range ends far below), and the model would round it: it is refused, and `json` and `digest` fail on it rather than write another value.',
    example: '[resources]\npids_max = 9007199254740993',
  },
  'key-case': {
    severity: 'warning',
    summary:
      'A key of the model written in another case (`[Workload]`, `Name = …`). The Volt runtime matches keys without regard to case, so the value counts; the canonical spelling is lowercase, and `fmt` writes it.',
    example: '[Workload]\nName = "web"',
  },
  'key-case-duplicate': {
    severity: 'error',
    summary:
      'A key written again in another case in the same table (`name` and `Name`): the Volt runtime would take only one of them.',
    example: '[workload]\nname = "web"\nName = "api"',
  },
  'wrong-type': {
    severity: 'error',
    summary: 'A value of the wrong TOML type; the message names the expected and the actual type.',
    example: '[resources]\ncpu_weight = "100"',
  },
  'missing-required': {
    severity: 'error',
    summary:
      'A required key is absent (`workload.name`, `workload.mode`, `host` and `container` of each volume). Reported at the table header, or at the start of the file when the table itself is missing.',
    example: '[workload]\nmode = "container"',
  },
  'extends-invalid': {
    severity: 'error',
    summary: '`extends` is neither a relative path nor `cas://sha256:<64 lowercase hex>`.',
    example: 'extends = "/etc/volt/base.toml"',
  },
  'workload-name-invalid': {
    severity: 'error',
    summary:
      '`workload.name` is not a DNS label: 1–63 characters of `a-z`, `0-9` and `-`, starting and ending with a letter or digit.',
    example: '[workload]\nname = "Web_Server"',
  },
  'workload-mode-invalid': {
    severity: 'error',
    summary:
      '`workload.mode` is not one of `container`, `hybrid-native`, `hybrid-kvm`, `hybrid-emulated`.',
    example: '[workload]\nmode = "vm"',
  },
  'workload-image-empty': {
    severity: 'error',
    summary: '`workload.image` is written but empty.',
    example: '[workload]\nimage = ""',
  },
  'kernel-version-invalid': {
    severity: 'error',
    summary: '`kernel.version` is not `MAJOR.MINOR[.PATCH][-suffix]`.',
    example: '[kernel]\nversion = "six"',
  },
  'kernel-path-not-absolute': {
    severity: 'error',
    summary: '`kernel.path` is not an absolute path.',
    example: '[kernel]\npath = "vmlinuz"',
  },
  'kernel-module-invalid': {
    severity: 'error',
    summary: 'A `kernel.modules` entry is not a module name (`A-Za-z0-9_-`).',
    example: '[kernel]\nmodules = ["virtio net"]',
  },
  'kernel-module-duplicate': {
    severity: 'warning',
    summary: 'A module is listed twice in `kernel.modules`.',
    example: '[kernel]\nmodules = ["overlay", "overlay"]',
  },
  'kernel-cmdline-control-character': {
    severity: 'error',
    summary: '`kernel.cmdline` contains a control character.',
    example: '[kernel]\ncmdline = "quiet\\tdebug"',
  },
  'landlock-profile-invalid': {
    severity: 'error',
    summary:
      '`security.landlock_profile` is not `strict`, `default`, `permissive`, `custom` or an absolute path to a policy file.',
    example: '[security]\nlandlock_profile = "paranoid"',
  },
  'seccomp-profile-invalid': {
    severity: 'error',
    summary:
      '`security.seccomp_profile` is not `default`, `strict`, `unconfined` or an absolute path to a profile.',
    example: '[security]\nseccomp_profile = "off"',
  },
  'capability-unknown': {
    severity: 'error',
    summary:
      'A `security.capabilities` entry is not one of the 41 Linux capability names (`CAP_CHOWN` … `CAP_CHECKPOINT_RESTORE`).',
    example: '[security]\ncapabilities = ["CAP_NET_BIND"]',
  },
  'capability-duplicate': {
    severity: 'warning',
    summary: 'A capability is listed twice.',
    example: '[security]\ncapabilities = ["CAP_CHOWN", "CAP_CHOWN"]',
  },
  'memory-size-invalid': {
    severity: 'error',
    summary:
      '`resources.memory_limit` or `memory_soft` is not a size: a number with an optional `K`, `M`, `G` or `T` (binary multiples, optional `i`/`iB`/`B`), or `max`.',
    example: '[resources]\nmemory_limit = "lots"',
  },
  'memory-soft-exceeds-limit': {
    severity: 'error',
    summary: '`resources.memory_soft` is larger than `memory_limit`.',
    example: '[resources]\nmemory_limit = "1G"\nmemory_soft = "2G"',
  },
  'cpu-weight-out-of-range': {
    severity: 'error',
    summary: '`resources.cpu_weight` is outside 1–10000 (cgroup v2 `cpu.weight`).',
    example: '[resources]\ncpu_weight = 20000',
  },
  'cpuset-invalid': {
    severity: 'error',
    summary:
      '`resources.cpu_set` is not a cpuset list like `0-3,8,10-11` with each range start ≤ end.',
    example: '[resources]\ncpu_set = "3-1"',
  },
  'io-weight-out-of-range': {
    severity: 'error',
    summary: '`resources.io_weight` is outside 1–10000 (cgroup v2 `io.weight`).',
    example: '[resources]\nio_weight = 20000',
  },
  'pids-max-out-of-range': {
    severity: 'error',
    summary: '`resources.pids_max` is outside 1–4194304.',
    example: '[resources]\npids_max = 5000000',
  },
  'network-mode-invalid': {
    severity: 'error',
    summary: '`network.mode` is not `bridge`, `host`, `none` or `custom`.',
    example: '[network]\nmode = "nat"',
  },
  'network-address-invalid': {
    severity: 'error',
    summary: '`network.address` is not an IPv4 or IPv6 address with an optional `/prefix`.',
    example: '[network]\naddress = "10.0.0.300"',
  },
  'network-address-not-allowed': {
    severity: 'error',
    summary: '`network.address` is set while `network.mode` is `host` or `none`.',
    example: '[network]\nmode = "host"\naddress = "10.0.0.2"',
  },
  'dns-address-invalid': {
    severity: 'error',
    summary: 'A `network.dns` entry is not an IPv4 or IPv6 address.',
    example: '[network]\ndns = ["dns.example.com"]',
  },
  'port-mapping-invalid': {
    severity: 'error',
    summary:
      'A `network.ports` entry is not `[hostIP:]hostPort:containerPort[/tcp|/udp]` with ports 1–65535.',
    example: '[network]\nports = ["80:99999"]',
  },
  'ports-not-allowed': {
    severity: 'error',
    summary: '`network.ports` is set while `network.mode` is `none`.',
    example: '[network]\nmode = "none"\nports = ["80:80"]',
  },
  'ports-ignored-in-host-mode': {
    severity: 'warning',
    summary:
      '`network.ports` is set while `network.mode` is `host`, where every port is the host’s.',
    example: '[network]\nmode = "host"\nports = ["80:80"]',
  },
  'port-duplicate': {
    severity: 'error',
    summary:
      'The same host port and protocol are mapped twice on the same host address. A mapping without an address (or with `0.0.0.0` or `[::]`) takes the port on every address, so it conflicts with any mapping of that port and protocol; `127.0.0.1:8080:80` and `10.0.0.1:8080:80` do not conflict.',
    example: '[network]\nports = ["8080:80", "8080:81"]',
  },
  'rootfs-invalid': {
    severity: 'error',
    summary: '`storage.rootfs` is neither an absolute path nor `cas://sha256:<64 lowercase hex>`.',
    example: '[storage]\nrootfs = "rootfs/"',
  },
  'writable-layer-invalid': {
    severity: 'error',
    summary: '`storage.writable_layer` is not `overlay`, `tmpfs` or `none`.',
    example: '[storage]\nwritable_layer = "btrfs"',
  },
  'volume-path-not-absolute': {
    severity: 'error',
    summary: 'A volume `host` or `container` is not an absolute path.',
    example: '[[storage.volumes]]\nhost = "data"\ncontainer = "/data"',
  },
  'volume-path-traversal': {
    severity: 'error',
    summary: 'A volume `host` or `container` path has a `..` segment.',
    example: '[[storage.volumes]]\nhost = "/srv/../etc"\ncontainer = "/data"',
  },
  'volume-container-root': {
    severity: 'error',
    summary: 'A volume is mounted over the container root `/`.',
    example: '[[storage.volumes]]\nhost = "/srv"\ncontainer = "/"',
  },
  'volume-container-duplicate': {
    severity: 'error',
    summary: 'Two volumes are mounted at the same container path.',
    example:
      '[[storage.volumes]]\nhost = "/a"\ncontainer = "/data"\n\n[[storage.volumes]]\nhost = "/b"\ncontainer = "/data"',
  },
  'kernel-path-required': {
    severity: 'error',
    summary: '`hybrid-native` and `hybrid-kvm` need `kernel.path`.',
    example: '[workload]\nname = "vm"\nmode = "hybrid-kvm"\nimage = "x"',
  },
  'kernel-ignored-in-container-mode': {
    severity: 'warning',
    summary: 'A `[kernel]` table in `container` mode, where it is ignored.',
    example: '[workload]\nmode = "container"\n\n[kernel]\nversion = "6.1"',
  },
  'nothing-to-run': {
    severity: 'error',
    summary: 'Neither `workload.image` nor `storage.rootfs` is set, so there is nothing to run.',
    example: '[workload]\nname = "web"\nmode = "container"',
  },
  'read-only-rootfs-with-overlay': {
    severity: 'warning',
    summary:
      '`security.read_only_rootfs = true` with `storage.writable_layer = "overlay"`: the overlay makes the root writable anyway.',
    example: '[security]\nread_only_rootfs = true\n\n[storage]\nwritable_layer = "overlay"',
  },
  'extends-not-found': {
    severity: 'error',
    summary:
      'The base manifest named by `extends` does not exist (file or content-addressed object).',
    example: 'extends = "missing.toml"',
  },
  'extends-unreadable': {
    severity: 'error',
    summary: 'The base manifest cannot be read (a directory, no permission, an I/O error).',
    example: 'extends = "./"',
  },
  'extends-too-large': {
    severity: 'error',
    summary: 'The base manifest is larger than the loader accepts (16 MiB by default).',
    example: 'extends = "huge.toml"',
  },
  'extends-integrity': {
    severity: 'error',
    summary: 'A content-addressed base does not hash to the digest it is stored under.',
    example: 'extends = "cas://sha256:…"',
  },
  'extends-relative-in-cas': {
    severity: 'error',
    summary:
      'A manifest read from the content-addressed store names a base by a relative path. A store object has no directory to resolve it against: it may only extend `cas://` references.',
    example: 'extends = "common.toml"  # in a manifest stored as cas://sha256:…',
  },
  'extends-cycle': {
    severity: 'error',
    summary:
      'The `extends` chain comes back to a manifest already in it; the message lists the chain.',
    example: 'extends = "a.toml"  # and a.toml extends this file',
  },
  'extends-too-deep': {
    severity: 'error',
    summary: 'The `extends` chain is more than 16 manifests deep.',
    example: 'extends = "level-17.toml"',
  },
  'extends-outside-root': {
    severity: 'error',
    summary:
      'The base manifest named by `extends` is outside the root directory bases are confined to (symbolic links resolved; by default the current directory, `--root` or the `root` option of `nodeHost` to choose another). The file is not opened, and a path outside the root is reported so whether or not it exists.',
    example: 'extends = "../../../../etc/shadow"',
  },
  'file-not-found': {
    severity: 'error',
    summary: 'A manifest file given to the loader or the CLI does not exist.',
    example: 'volt-manifest check missing.toml',
  },
  'file-unreadable': {
    severity: 'error',
    summary:
      'A manifest file cannot be read (a directory where a file was expected, no permission, an I/O error).',
    example: 'volt-manifest check /root/secret.toml',
  },
  'file-too-large': {
    severity: 'error',
    summary: 'A manifest file is larger than the loader accepts (16 MiB by default).',
    example: 'volt-manifest check huge.toml',
  },
  'internal-error': {
    severity: 'error',
    summary:
      'The checker itself failed on this file (a bug in volt-manifest; the message has the details). Other files are still checked.',
    example: '(none: please report it)',
  },
  'json-syntax': {
    severity: 'error',
    summary:
      'The JSON given to `manifestFromJSON` is not valid JSON, its bytes are not UTF-8 (both reported where it goes wrong), an object in it has a member name twice (JSON would keep only the last value), or a string in it has a lone surrogate, which no TOML can hold.',
    example: '{"workload": ',
  },
  'config-unknown-key': {
    severity: 'error',
    summary:
      'A key the project configuration (`volt-manifest.toml`) does not define; the message suggests the closest known key. A configuration with any `config-*` problem stops the command (exit 2).',
    example: 'exclud = ["generated/**"]  # in volt-manifest.toml',
  },
  'config-wrong-type': {
    severity: 'error',
    summary:
      'A value of the wrong TOML type in the project configuration (`include` and `exclude` take arrays of strings, `root`, `cas_root` and each rule a string, `rules` a table).',
    example: 'include = "apps/*.toml"  # in volt-manifest.toml',
  },
  'config-invalid-value': {
    severity: 'error',
    summary:
      'A value the project configuration cannot use: a severity that is not `error`, `warning` or `off`, a rule for a code that cannot be configured (a `toml-*` syntax error, a `config-*` problem, `internal-error`), an empty or absolute pattern or one with a `..` segment, a `root` that is not a directory.',
    example: '[rules]\nunknown-key = "ignore"  # in volt-manifest.toml',
  },
  'config-unknown-code': {
    severity: 'error',
    summary:
      'A `[rules]` key of the project configuration that is no diagnostic code; the message suggests the closest code of this catalogue.',
    example: '[rules]\nunknown-keys = "warning"  # in volt-manifest.toml',
  },
  'suppression-invalid': {
    severity: 'error',
    summary:
      'A `# volt-manifest:` comment that is not `ignore[code, …]` with at least one code: a blanket `ignore` is not allowed (it would hide problems nobody has seen), and a `toml-*` syntax error cannot be suppressed.',
    example: 'cpu_weight = 0  # volt-manifest: ignore',
  },
  'suppression-unknown-code': {
    severity: 'warning',
    summary:
      'A code in a `# volt-manifest: ignore[…]` comment that is no diagnostic code; the message suggests the closest one.',
    example: 'imag = "x"  # volt-manifest: ignore[unknown-keys]',
  },
  'unused-suppression': {
    severity: 'warning',
    summary:
      'A `# volt-manifest: ignore[…]` comment, or a code in it, that suppressed nothing: no diagnostic with that code starts on its line. Remove it, so that it does not hide a problem introduced later.',
    example: 'name = "web"  # volt-manifest: ignore[unknown-key]',
  },
} as const satisfies Record<string, CodeInfo>;

/** A catalogue code, or `toml-<TOML error code>` for a syntax error. */
export type DiagnosticCode =
  Exclude<keyof typeof DIAGNOSTIC_CODES, 'toml-syntax'> | `toml-${TomlErrorCode}`;

/** Where a diagnostic points: a file and a 1-based range. */
export interface Location {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export const NO_LOCATION: Location = { file: '', line: 0, column: 0, endLine: 0, endColumn: 0 };

export function diagnostic(
  code: DiagnosticCode,
  message: string,
  path: string,
  at: Location,
): Diagnostic {
  return {
    severity: code.startsWith('toml-')
      ? 'error'
      : DIAGNOSTIC_CODES[code as keyof typeof DIAGNOSTIC_CODES].severity,
    code,
    message,
    path,
    file: at.file,
    line: at.line,
    column: at.column,
    endLine: at.endLine,
    endColumn: at.endColumn,
  };
}

/** Sorts by file, then position, then code: stable output whatever order rules ran in. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

/**
 * True when the manifest did not read as written: a syntax error (TOML or JSON), a value of
 * the wrong type, an unknown key or a key written twice in different cases (each leaves something
 * the file says out of the model). Converting or digesting such a manifest would lose it;
 * any other problem (a value out of range, a missing required field of a base) is about
 * whether it can run, and the manifest still converts exactly.
 */
export function hasReadErrors(list: readonly Diagnostic[]): boolean {
  return list.some(isReadError);
}

/** One problem of the kind `hasReadErrors` looks for. */
export function isReadError(d: Diagnostic): boolean {
  return (
    d.severity === 'error' &&
    (d.code.startsWith('toml-') ||
      d.code === 'wrong-type' ||
      d.code === 'unknown-key' ||
      d.code === 'key-case-duplicate' ||
      d.code === 'integer-not-exact' ||
      d.code === 'json-syntax')
  );
}

/** A TOML syntax error as a diagnostic (code `toml-<code>`). */
export function syntaxDiagnostic(error: TomlError, file: string): Diagnostic {
  return diagnostic(`toml-${error.code}`, error.message, '', {
    file,
    line: error.line,
    column: error.column,
    endLine: error.endLine,
    endColumn: error.endColumn,
  });
}
