// What each TypeScript file of the code base imports, read from its syntax tree (not by pattern matching, so that
// an import written inside a string or a comment is not taken for one). Used by the architecture test and to
// fingerprint the code that builds the test databases.
import { readdir, readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import ts from 'typescript';

export interface ImportRef {
  /** As written: './pages.ts', 'kysely', 'node:fs'. */
  specifier: string;
  /** For a relative specifier, the file it names, relative to the root ('src/web/render.ts'); otherwise null. */
  resolved: string | null;
  typeOnly: boolean;
}

export interface SourceFile {
  /** Relative to the root, with forward slashes: 'src/web/pages.ts'. */
  path: string;
  imports: ImportRef[];
  /** Where the file builds SQL itself: query-builder calls or sql`…` templates, as 'selectFrom at line 12'. */
  sql: string[];
}

const QUERY_BUILDER_CALLS = new Set(['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'replaceInto', 'mergeInto']);

const isSqlTag = (node: ts.Expression) => ts.isIdentifier(node) && node.text === 'sql';

/** Resolves a relative specifier against the importing file; code here imports with explicit '.ts' extensions. */
export function resolveSpecifier(from: string, specifier: string): string | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return null;
  const joined = posix.normalize(posix.join(posix.dirname(from), specifier));
  return joined.endsWith('.js') ? `${joined.slice(0, -3)}.ts` : joined;
}

/** The imports and SQL of one file, given its text. */
export function parseSource(path: string, text: string): SourceFile {
  const tree = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const imports: ImportRef[] = [];
  const sql: string[] = [];
  const add = (literal: ts.Expression | undefined, typeOnly: boolean) => {
    if (literal && ts.isStringLiteralLike(literal)) imports.push({ specifier: literal.text, resolved: resolveSpecifier(path, literal.text), typeOnly });
  };
  const lineOf = (node: ts.Node) => tree.getLineAndCharacterOfPosition(node.getStart(tree)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : null;
      const onlyTypes = clause ? clause.isTypeOnly || (!clause.name && named !== null && named.length > 0 && named.every((e) => e.isTypeOnly)) : false;
      add(node.moduleSpecifier, onlyTypes);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && QUERY_BUILDER_CALLS.has(node.expression.name.text)) {
      sql.push(`${node.expression.name.text} at line ${lineOf(node)}`);
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && isSqlTag(node.expression.expression)) {
      sql.push(`sql.${node.expression.name.text}() at line ${lineOf(node)}`);
    } else if (ts.isTaggedTemplateExpression(node) && isSqlTag(node.tag)) {
      sql.push(`sql\`…\` at line ${lineOf(node)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return { path, imports, sql };
}

/** Every .ts file under `dir` (relative to `root`), parsed. */
export async function readSourceTree(root: string, dir = 'src'): Promise<Map<string, SourceFile>> {
  const files = new Map<string, SourceFile>();
  const entries = await readdir(posix.join(root, dir), { recursive: true, withFileTypes: true });
  const paths = entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => posix.relative(root, posix.join(e.parentPath, e.name)))
    .sort();
  for (const path of paths) files.set(path, parseSource(path, await readFile(posix.join(root, path), 'utf8')));
  return files;
}

// Files do not change while a process walks them; several walks share the work.
const parsed = new Map<string, Promise<ImportRef[]>>();
const importsOf = (root: string, path: string) => {
  const key = posix.join(root, path);
  let imports = parsed.get(key);
  if (!imports) parsed.set(key, (imports = readFile(key, 'utf8').then((text) => parseSource(path, text).imports)));
  return imports;
};

export interface Closure {
  /** `start` and every file reached, in the order met. */
  files: string[];
  /** The packages and built-in modules those files import ('pg', 'node:child_process'). */
  packages: Set<string>;
}

/** What `start` reaches through relative imports: type-only ones too, unless `runtimeOnly` (what loading runs). */
export async function importClosure(root: string, start: string[], options: { runtimeOnly?: boolean } = {}): Promise<Closure> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    if (!path.endsWith('.ts')) continue;
    for (const i of await importsOf(root, path)) {
      if (options.runtimeOnly && i.typeOnly) continue;
      if (!i.resolved) packages.add(i.specifier);
      else if (!seen.has(i.resolved)) queue.push(i.resolved);
    }
  }
  return { files: [...seen], packages };
}
