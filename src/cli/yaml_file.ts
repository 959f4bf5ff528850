/**
 * A YAML file of allocations, read as the original docket read it (YAML 1.1, like
 * gopkg.in/yaml.v2, so `yes` and `no` are booleans), with the position of every node kept so that
 * problems can be reported by line and column.
 *
 * @module
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  type YAMLError,
} from "yaml";

/** A place in the file, both 1-based. */
export interface Position {
  /** The line, from 1. */
  line: number;
  /** The column, from 1. */
  column: number;
}

/** A key of a mapping, with where it is written. */
export interface KeyAt {
  /** The key as written. */
  key: string;
  /** Where the key is written. */
  position: Position;
}

/** One item of the file's top-level list. */
export interface YamlItem {
  /** Its place in the list, from 1. */
  index: number;
  /** Its value, as plain JavaScript (what would be sent as JSON). */
  value: unknown;
  /** Where the item starts. */
  position: Position;
  /** Its `Name` (any letter case) when that is a string. */
  name: string | undefined;
  /**
   * Where the field at `path` (such as `Container.Config.Image`, canonical spelling) is written.
   * Keys match case-insensitively, an exact spelling first. When the field is missing, this is
   * where its closest existing parent is written (for a top-level field: the item itself).
   */
  locate(path: string): Position;
  /** The keys of the mapping at `path` (`""` for the item itself), or `[]` when it is not one. */
  keysAt(path: string): KeyAt[];
}

/** The outcome of {@linkcode readYamlItems}. */
export type YamlItems =
  | { ok: true; items: YamlItem[]; warnings: string[] }
  | { ok: false; errors: string[] };

/** Options for {@linkcode readYamlItems}. */
export interface ReadYamlOptions {
  /** The file's name as the user should read it in messages (`docket.yml`). */
  fileName: string;
}

/** The hint given when the file is not a list. */
export const NOT_A_LIST = "the file must be a list of allocations (- Name: …)";

/**
 * Parses the text of an allocations file into its items. Every problem is reported as
 * `Cannot read <file>: line L, column C: <what>`; duplicate keys are problems. An empty file (or
 * one with only comments) has no items.
 *
 * @example
 * ```ts
 * const result = readYamlItems("- Name: foo\n  Cron: '* * * * *'\n", { fileName: "docket.yml" });
 * if (result.ok) result.items[0]?.locate("Cron"); // { line: 2, column: 9 }
 * ```
 */
export function readYamlItems(text: string, options: ReadYamlOptions): YamlItems {
  const { fileName } = options;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: "1.1",
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const describe = (problem: YAMLError) =>
    `${where(at(problem.pos[0]))}: ${explain(problem, text, at(problem.pos[0]))}`;
  const [first, ...more] = doc.errors;
  if (first !== undefined) {
    // Later errors are mostly knock-on effects of the first one: report it alone.
    const rest = more.length > 0 ? ` (and ${more.length} more YAML error${plural(more)})` : "";
    return { ok: false, errors: [`Cannot read ${fileName}: ${describe(first)}${rest}`] };
  }
  const warnings = doc.warnings.map((w) => `${fileName}: ${describe(w)}`);
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    return { ok: true, items: [], warnings };
  }
  if (!isSeq(contents)) {
    const found = isMap(contents)
      ? 'it holds a single mapping; start each allocation with "- "'
      : "it holds a single value";
    const position = at(contents.range?.[0] ?? 0);
    return {
      ok: false,
      errors: [`Cannot read ${fileName}: ${where(position)}: ${NOT_A_LIST}; ${found}`],
    };
  }
  let values: unknown;
  try {
    values = doc.toJS();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [`Cannot read ${fileName}: ${detail}`] };
  }
  const items = contents.items.map((node, i): YamlItem => {
    const itemNode = node as Node | null;
    const position = at(itemNode?.range?.[0] ?? contents.range?.[0] ?? 0);
    const nodeAt = (offset: number | undefined) => (offset === undefined ? position : at(offset));
    const nameNode = isMap(itemNode) ? findPair(itemNode.items, ["Name"])?.pair.value : undefined;
    return {
      index: i + 1,
      value: (values as unknown[])[i] ?? null,
      position,
      name: isScalar(nameNode) && typeof nameNode.value === "string" ? nameNode.value : undefined,
      locate: (path) => nodeAt(walk(itemNode, split(path)).node?.range?.[0]),
      keysAt: (path) => {
        const { node, rest } = walk(itemNode, split(path));
        if (rest.length > 0 || !isMap(node)) return [];
        return node.items.flatMap((pair) =>
          isScalar(pair.key)
            ? [{ key: String(pair.key.value), position: nodeAt(pair.key.range?.[0]) }]
            : []
        );
      },
    };
  });
  return { ok: true, items, warnings };
}

/** `line 3, column 9`. */
export function where(position: Position): string {
  return `line ${position.line}, column ${position.column}`;
}

/** The parser's message, in docket's words where the parser's are obscure, with a hint. */
function explain(problem: YAMLError, text: string, position: Position): string {
  if (problem.code === "MULTIPLE_DOCS") {
    return "the file holds several YAML documents (---): put every allocation in one list";
  }
  const line = text.split(/\r?\n/)[position.line - 1] ?? "";
  if (/^\s*\t/.test(line)) return `${problem.message} (indent with spaces: YAML forbids tabs)`;
  if (/alias/i.test(problem.message)) {
    return `${problem.message} (quote values that start with *, such as "* * * * *": ` +
      "a bare * starts a YAML alias)";
  }
  return problem.message;
}

function plural(list: readonly unknown[]): string {
  return list.length === 1 ? "" : "s";
}

function split(path: string): string[] {
  return path === "" ? [] : path.split(".");
}

/**
 * Follows `segments` down from `node` as far as the document goes. A segment may itself hold
 * dots (a label such as `com.example.team`), so the longest key that matches wins.
 */
function walk(node: Node | null, segments: string[]): { node: Node | null; rest: string[] } {
  let current = node;
  let rest = segments;
  while (rest.length > 0 && current !== null && !isAlias(current)) {
    if (isMap(current)) {
      const found = findPair(current.items, rest);
      if (!found) break;
      // `Image:` with nothing after it: point at the key.
      const value = found.pair.value as Node | null;
      current = value !== null && value.range ? value : found.pair.key as Node;
      rest = rest.slice(found.used);
    } else if (isSeq(current) && /^\d+$/.test(rest[0]!)) {
      const item = current.items[Number(rest[0])] as Node | undefined;
      if (item === undefined) break;
      current = item;
      rest = rest.slice(1);
    } else {
      break;
    }
  }
  return { node: current, rest };
}

/** The pair whose key is the longest prefix of `segments`: an exact spelling first, then any case. */
function findPair(
  pairs: Pair<unknown, unknown>[],
  segments: string[],
): { pair: Pair<unknown, unknown>; used: number } | undefined {
  for (let used = segments.length; used >= 1; used--) {
    const wanted = segments.slice(0, used).join(".");
    let loose: Pair<unknown, unknown> | undefined;
    for (const pair of pairs) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === wanted) return { pair, used };
      if (key?.toLowerCase() === wanted.toLowerCase()) loose = pair;
    }
    if (loose) return { pair: loose, used };
  }
  return undefined;
}
