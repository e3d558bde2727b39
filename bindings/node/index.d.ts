// Type declarations of the sbprofile Node package (the implementation is index.js; its
// comments describe each call). Checked by `tsc --noEmit` against test/typed-example.ts.

export type Action = 'allow' | 'deny';
export type MatchKind = 'any' | 'literal' | 'exact' | 'subpath' | 'prefix' | 'regex';
export type FileAccessName =
  | 'read' | 'write' | 'read-data' | 'read-metadata' | 'read-xattr' | 'write-data'
  | 'write-create' | 'write-unlink' | 'write-xattr' | 'ioctl' | 'map-executable'
  | 'test-existence' | 'all';
export type FileAccessArg = FileAccessName | FileAccessName[] | number;
export type Target = 'any' | 'self' | 'pgrp' | 'others' | 'children' | 'same-sandbox' | 'initproc';
export type DecisionResult = 'allow' | 'deny' | 'unknown';
export type UnknownPolicy = 'report' | 'false' | 'true';
/** A macOS version such as '14.4.1' (one without a catalog of its own uses the newest before
 *  it; older than every catalog throws SBP_E_NOT_FOUND), or a catalog version as encoded
 *  numbers; omitted or 0: the newest the catalog knows. */
export type MacosVersion = string | number;

export interface Position {
  file: string | null;
  line: number;
  column: number;
}

export interface SerializeOptions {
  compact?: boolean;
  comments?: boolean;
  split?: boolean;
  splitLimit?: number;
}

export interface ReadOptions {
  file?: string;
  /** Values of (param "NAME"). */
  params?: Record<string, string>;
  /** Directories searched by (import "x.sb"). */
  importDirs?: string[];
  symbolicParams?: boolean;
  keepUnresolvedImports?: boolean;
  macos?: MacosVersion;
}

export interface LintOptions {
  file?: string;
  macos?: MacosVersion;
  notes?: boolean;
  params?: Record<string, string>;
  importDirs?: string[];
}

export interface Diagnostic {
  code: string;
  severity: 'note' | 'warning' | 'error';
  message: string;
  fix: string | null;
  position: Position | null;
}

/** Diagnostics, and whether the text read and evaluated as libsandbox would take it. */
export type LintResult = Diagnostic[] & { readonly evaluated: boolean };

export interface LintCheck {
  code: string;
  severity: string;
  summary: string;
}

/** A network address attribute: [proto, host, port] or 'proto:host:port'. */
export type NetAddrAttr = string | [string, (string | null)?, number?];
/** Further request attributes, named after the filter that tests them, in camelCase or as
 *  written (signingIdentifier, 'vnode-type', remote, ...). */
export type RequestAttrs = Record<string, string | number | bigint | NetAddrAttr>;

export type ValueArg = string | number | bigint | boolean | Regex | Constant | Param | Concat | NetAddr;

export class Regex {
  constructor(source: string);
  readonly source: string;
}
export class Constant {
  constructor(name: string);
  readonly name: string;
}
export class Param {
  constructor(name: string);
  readonly name: string;
}
export class Concat {
  constructor(...parts: Array<string | Param>);
  readonly parts: Array<string | Param>;
}
export class NetAddr {
  constructor(proto: string, host?: string | null, port?: number);
}

export class SbprofileError extends Error {
  constructor(code: number, message: string,
              where?: { line?: number; column?: number; file?: string; offset?: number });
  readonly code: number;
  /** The status name, e.g. 'SBP_E_SYNTAX'. */
  readonly status: string;
  readonly line: number;
  readonly column: number;
  readonly file: string | null;
  readonly offset: number;
  readonly position: Position | null;
}

export class ProfileAssertionError extends Error {
  readonly line: number;
  readonly column: number;
  readonly file: string | null;
  readonly position: Position | null;
}

export class LibraryNotFound extends Error {}

export class Node implements Iterable<Node> {
  readonly profile: Profile;
  readonly type: string;
  readonly text: string | null;
  readonly position: Position | null;
  readonly parent: Node | null;
  readonly children: Node[];
  readonly length: number;
  [Symbol.iterator](): Iterator<Node>;
  equals(other: unknown): boolean;
  serialize(opts?: SerializeOptions): string;
  dump(): string;
  validate(): void;
  unlink(): void;
  addFilter(name: string, ...values: ValueArg[]): Node;
  /** Each filter: [name, ...values]. */
  addRequire(kind: 'all' | 'any' | 'not' | 'require-all' | 'require-any' | 'require-not',
             ...filters: Array<[string, ...ValueArg[]]>): Node;
  addValue(v: ValueArg): Value;
  addString(s: string): Value;
  addRegex(s: string): Value;
  addConstant(s: string): Value;
  addParam(s: string): Value;
  addInteger(n: number | bigint): Value;
  addBoolean(b: boolean): Value;
  addConcat(): Value;
  addNetAddr(proto: string, host?: string | null, port?: number): Value;
}

export class Rule extends Node {
  action: Action | null;
  comment: string | null;
  readonly operations: string[];
  readonly filters: Node[];
  readonly modifiers: Node[];
  readonly text: string;
  addOperation(op: string): Node;
  addModifier(name: string, value?: ValueArg | null): Node;
}

export class Value extends Node {
  readonly kind: 'string' | 'integer' | 'constant' | 'regex' | 'netaddr' | 'param' | 'concat' | 'boolean' | null;
  readonly value: string | number | bigint | boolean | Regex | Constant | Param | unknown[];
}

export interface DeciderOptions {
  macos?: MacosVersion;
  canonicalPaths?: boolean;
  unknown?: UnknownPolicy;
}

export class Profile implements Iterable<Rule> {
  constructor(opts?: { version?: number });
  static fromText(src: string | Uint8Array, opts?: ReadOptions): Profile;
  static fromFile(path: string, opts?: ReadOptions): Profile;
  readonly closed: boolean;
  close(): void;
  version: number;
  readonly root: Node;
  readonly items: Node[];
  readonly rules: Rule[];
  /** The number of rules. */
  readonly length: number;
  [Symbol.iterator](): Iterator<Rule>;
  copy(): Profile;
  equals(other: Profile, opts?: { comments?: boolean; positions?: boolean; imports?: boolean }): boolean;
  validate(): void;
  serialize(opts?: SerializeOptions): string;
  dump(): string;
  save(path: string, opts?: SerializeOptions): void;
  addRule(action: Action, ...operations: string[]): Rule;
  allow(...operations: string[]): Rule;
  deny(...operations: string[]): Rule;
  addImport(path: string): Node;
  addComment(text: string): Node;
  addDefault(action: Action): Rule;
  addFile(action: Action, access: FileAccessArg, path?: string | Param | Concat | null,
          opts?: { match?: MatchKind }): Rule;
  addNetwork(action: Action, opts?: {
    op?: 'outbound' | 'inbound' | 'bind' | 'all'; side?: 'any' | 'local' | 'remote' | null;
    proto?: string | null; host?: string | null; port?: number;
  }): Rule;
  addUnixSocket(action: Action, path: string, opts?: { op?: 'outbound' | 'inbound' | 'bind' | 'all'; match?: MatchKind }): Rule;
  addMachLookup(action: Action, name?: string | null, opts?: { match?: MatchKind }): Rule;
  addProcessExec(action: Action, path?: string | null, opts?: { match?: MatchKind }): Rule;
  addProcessFork(action: Action): Rule;
  addSignal(action: Action, target?: Target | null): Rule;
  addProcessInfo(action: Action, target?: Target | null): Rule;
  addSysctlRead(action: Action, name?: string | null, opts?: { match?: MatchKind }): Rule;
  addIokitOpen(action: Action, className?: string | null): Rule;
  addIpcPosix(action: Action, kind: 'shm' | 'sem', name?: string | null, opts?: { match?: MatchKind }): Rule;
  addPreference(action: Action, access: 'read' | 'write', domain?: string | null, opts?: { match?: MatchKind }): Rule;
  addSystemSocket(action: Action, opts?: { domain?: number; type?: number; protocol?: number }): Rule;
  decider(opts?: DeciderOptions): Decider;
  check(op: string | Request, target?: string | null, attrs?: RequestAttrs): Decision;
  explain(op: string | Request, target?: string | null, attrs?: RequestAttrs): string;
  assertAllows(op: string | Request, target?: string | null, attrs?: RequestAttrs): string;
  assertDenies(op: string | Request, target?: string | null, attrs?: RequestAttrs): string;
  assertUnknown(op: string | Request, target?: string | null, attrs?: RequestAttrs): string;
  assertHasRule(action: Action, op: string, filter?: string | null, value?: string | null): string;
  lint(opts?: { macos?: MacosVersion; notes?: boolean }): LintResult;
  /** Lines `FILE:LINE:COL: (rule)` for each rule with a filter value of that text. */
  rulesMentioning(value: string): string[];
}

export class Request {
  constructor(op: string, target?: string | null, attrs?: RequestAttrs);
  set(op: string, target?: string | null, attrs?: RequestAttrs): this;
  close(): void;
  describe(): string;
}

export class Decider {
  constructor(profile: Profile, opts?: DeciderOptions);
  readonly profile: Profile;
  close(): void;
  check(op: string | Request, target?: string | null, attrs?: RequestAttrs): Decision;
  explain(op: string | Request, target?: string | null, attrs?: RequestAttrs): string;
  assertDecision(expected: DecisionResult, op: string | Request, target?: string | null,
                 attrs?: RequestAttrs): string;
  assertAllows(op: string | Request, target?: string | null, attrs?: RequestAttrs): string;
  assertDenies(op: string | Request, target?: string | null, attrs?: RequestAttrs): string;
}

export class Decision {
  readonly result: DecisionResult;
  readonly step: string;
  readonly flags: string[];
  readonly rule: Rule | null;
  readonly ruleIndex: number | null;
  readonly ruleText: string | null;
  readonly position: Position | null;
  readonly operation: string | null;
  readonly skippedRule: Rule | null;
  readonly missingAttr: string | null;
  /** The first import kept unresolved after the deciding rule, whose rules could change the
   *  answer (its name as in (import "NAME")). */
  readonly missingImport: string | null;
  /** The parameter without a value (symbolicParams) that the skipped rule needed. */
  readonly missingParam: string | null;
  readonly description: string;
  readonly allowed: boolean;
  readonly denied: boolean;
  readonly unknown: boolean;
}

export const FILE_ACCESS: Readonly<Record<FileAccessName, number>>;
export const PORT_ANY: -1;
export const SOCKET_ANY: -1;
export function version(): string;
export function libraryPath(): string;
export function read(src: string | Uint8Array, opts?: ReadOptions): Profile;
export function readFile(path: string, opts?: ReadOptions): Profile;
export function lint(src: string | Uint8Array, opts?: LintOptions): LintResult;
export function lintFile(path: string, opts?: LintOptions): LintResult;
export function lintChecks(): LintCheck[];

// ---- denial reports and suggestions (sbprofile/denial.h, sbprofile/suggest.h) ----

/** One sandbox report (sbp_denial). */
export interface Denial {
  form: 'kernel' | 'json' | 'wrapper';
  action: Action;
  /** The process name (may be empty). */
  process: string;
  /** null when the report names none. */
  pid: number | null;
  operation: string;
  /** The rest of the report, e.g. a path; '' when none. */
  target: string;
  /** N of deny(N) / allow(N). */
  number: number;
  /** 1, or K of "K duplicate reports for". */
  repeats: number;
  /** The `(with message ...)` tag. */
  message: string | null;
  systemPolicy: boolean;
  line: number;
}

/** The reports of a log, with the lines read in all, the lines that mention no report
 *  (other) and the lines that look like reports but did not read (skipped; the first one's
 *  line and reason). */
export type DenialLog = Denial[] & {
  readonly lines: number;
  readonly other: number;
  readonly skipped: number;
  readonly firstSkipped: { line: number; reason: string } | null;
};

export type SuggestStatus = 'new-rule' | 'already-allowed' | 'unmappable' | 'reported-allow' | 'platform-policy';

export interface SuggestOptions {
  /** SBPL text: each request is decided against it, the rules are placed where they take
   *  effect and the patched profile is checked. */
  profile?: string | null;
  /** The profile's file name in positions. */
  file?: string;
  /** One rule per directory for several denials beneath it. */
  collapse?: boolean;
  /** Risky grants go into the patched profile only with this. */
  allowRisky?: boolean;
  workspace?: string;
  macos?: MacosVersion;
  params?: Record<string, string>;
  importDirs?: string[];
}

/** A distinct request of the reports. */
export interface SuggestedRequest {
  status: SuggestStatus;
  action: Action;
  operation: string;
  target: string;
  /** "uv(4242), uvx(4250)": 8 at most, then "and N more reports". */
  processes: string;
  /** Reports, duplicates included. */
  count: number;
  message: string | null;
  /** Why unmappable, or a caveat. */
  reason: string | null;
  /** The index of its rule in Suggestion.rules. */
  rule: number | null;
  /** With a profile: how it decides the request. */
  decision: DecisionResult | null;
  /** With a profile: the deciding rule's text, or the step that decided. */
  decidedBy: string | null;
  /** With a profile: "FILE:LINE:COL" of that rule. */
  decidedAt: string | null;
}

export interface SuggestedRule {
  operation: string;
  /** `(allow OP FILTER)`, one line. */
  text: string;
  /** Who was denied, how often, and why. */
  comment: string;
  /** The catalog's service note. */
  note: string | null;
  /** Why the grant is risky; null when it is not. */
  risk: string | null;
  /** "FILE:LINE:COL" of the rule it is placed after; null: at the end. */
  after: string | null;
  /** Whether it is in the patched profile. */
  applied: boolean;
}

export interface Suggestion {
  requests: SuggestedRequest[];
  rules: SuggestedRule[];
  /** The report as SBPL text. */
  text: string;
  /** With a profile: the patched profile's text. */
  profile: string | null;
  /** Whether a profile was given and the patched one checked. */
  checked: boolean;
  stillDenied: number;
  otherChanges: number;
  /** One line per finding of the check. */
  checkText: string;
  /** The rules with a risk. */
  risky: SuggestedRule[];
}

export function parseDenials(src: string | Uint8Array): DenialLog;
export function suggest(src: string | Uint8Array, opts?: SuggestOptions): Suggestion;

// ---- policies (sbprofile/policy.h; the implementation is lib/policy.js) ----

export type PolicyList = 'read-deny' | 'read-allow' | 'write-allow' | 'write-deny' | 'exec' | 'unix-socket';
export type PolicyMatch = 'auto' | 'literal' | 'subtree' | 'glob';
export type PolicyPortAccess = 'outbound' | 'bind' | 'inbound';
export type PolicyOption =
  | 'localBinding' | 'allUnixSockets' | 'pty' | 'appleEvents' | 'fork' | 'signal' | 'processInfo'
  | 'comments' | 'moveProtection' | 'bothSpellings' | 'foldLiterals' | 'directoryMetadata';

/** A path list entry: a string (a glob when it uses glob syntax, else a subtree) or a path
 *  with how it matches. */
export type PolicyPath = string | { path: string; match?: PolicyMatch };

/** A policy file's contents (docs/policy-file.md). */
export interface PolicyFile {
  $schema?: string;
  version: 1;
  home?: string;
  cwd?: string;
  read?: { mode?: 'allow-all' | 'deny-all'; deny?: PolicyPath[]; allow?: PolicyPath[] };
  write?: { mode?: 'deny-all' | 'allow-all'; allow?: PolicyPath[]; deny?: PolicyPath[] };
  exec?: PolicyPath[];
  network?: {
    mode?: 'none' | 'all';
    ports?: Array<{ port: number; access?: PolicyPortAccess[] }>;
    localBinding?: boolean;
    unixSockets?: PolicyPath[];
    allUnixSockets?: boolean;
  };
  mach?: string[];
  pty?: boolean;
  appleEvents?: boolean;
  process?: { fork?: boolean; signal?: boolean; info?: boolean };
  protections?: Record<string, boolean>;
  base?: string[];
  baseEntries?: { add?: string[]; remove?: string[] };
  options?: {
    comments?: boolean; moveProtection?: boolean; bothSpellings?: boolean;
    foldLiterals?: boolean; directoryMetadata?: boolean;
  };
}

export interface PolicyOptions {
  /** What `~` stands for; wins over the policy file's. */
  home?: string | null;
  /** Where relative paths start; wins over the policy file's. */
  cwd?: string | null;
}

export interface SrtSettingsOptions extends PolicyOptions {
  /** Receives each warning (an unknown key, a proxy port not set); default process.emitWarning. */
  onWarning?: (message: string) => void;
}

export class Policy {
  constructor(opts?: PolicyOptions);
  /** A policy from an object in the policy-file format; unknown keys throw, naming them. */
  static fromObject(obj: PolicyFile, opts?: PolicyOptions): Policy;
  static fromFile(path: string, opts?: PolicyOptions): Policy;
  readonly closed: boolean;
  close(): void;
  setHome(home: string): this;
  setCwd(cwd: string): this;
  addPath(list: PolicyList, path: string, match?: PolicyMatch): this;
  setReadMode(mode: 'allow-all' | 'deny-all'): this;
  setWriteMode(mode: 'deny-all' | 'allow-all'): this;
  setNetwork(mode: 'none' | 'all'): this;
  addPort(port: number, access?: PolicyPortAccess[]): this;
  addMachService(name: string): this;
  setOption(name: PolicyOption, on?: boolean): this;
  option(name: PolicyOption): boolean;
  /** Turns a mandatory write protection ('git-config', 'shell-startup', ...) on or off. */
  setProtection(name: string, on: boolean): this;
  setSettingsFile(path: string): this;
  addBaseSet(name: string): this;
  addBaseEntry(name: string): this;
  removeBaseEntry(name: string): this;
  /** sandbox-runtime 0.0.83's default writes, configd and trustd.agent, and its fixed grants. */
  addSrtDefaults(): this;
  /** A new Profile compiled from the policy (the caller closes it). */
  compile(): Profile;
  toSBPL(): string;
  /** The warnings of the last compilation. */
  readonly warnings: string[];
  /** The profile `sbprofile policy --srt-settings` prints for these settings. */
  static fromSrtSettings(settings: Record<string, unknown>, opts?: SrtSettingsOptions): Policy;
  static fromSrtSettingsFile(path: string, opts?: SrtSettingsOptions): Policy;
}
