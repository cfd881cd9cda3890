// The rules of the team's architecture note ("one feature, one folder") that a machine can check, over the import
// graph of src/ (see source-graph.ts). Each broken rule is one violation naming the files, so that a failing test
// says what to move.
import type { SourceFile } from './source-graph.ts';

export type Rule =
  | 'file-cycle'
  | 'folder-cycle'
  | 'domain-imports-outside-domain'
  | 'platform-imports-feature'
  | 'sql-in-wiring'
  | 'product-imports-test-support';

export interface Violation {
  rule: Rule;
  files: string[];
  message: string;
}

const PLATFORM = new Set(['config.ts', 'db', 'http', 'web']);

const isTest = (path: string) => path.endsWith('.test.ts');
const inSrc = (path: string) => path.startsWith('src/');

/** The top-level part of src/ a file belongs to: 'src/web/pages.ts' is 'web'; 'src/app.ts' is 'app.ts'. */
export function folderOf(path: string): string {
  return path.slice('src/'.length).split('/')[0]!;
}

/** Not the platform, the domain or test support: app.ts, server.ts and deps.ts count, as they gather features. */
const isFeature = (folder: string) => !PLATFORM.has(folder) && folder !== 'domain' && folder !== 'testing';

/** A file that should only wire (routes.ts, pages.ts, anything under a pages/ folder), tests beside them aside. */
const isWiring = (path: string) => !isTest(path) && (/(^|\/)(routes|pages)\.ts$/.test(path) || /\/pages\//.test(path));

interface Edge {
  from: string;
  to: string;
}

/** The import edges between files of the set, type-only ones included: a type import still couples the files. */
function fileEdges(files: Map<string, SourceFile>): Edge[] {
  const edges: Edge[] = [];
  for (const file of files.values()) {
    for (const i of file.imports) if (i.resolved && files.has(i.resolved) && i.resolved !== file.path) edges.push({ from: file.path, to: i.resolved });
  }
  return edges;
}

/** Strongly connected components with more than one node (Tarjan), each sorted, in a stable order. */
function cycles(nodes: string[], next: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of [...nodes].sort()) if (!index.has(v)) connect(v);
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** A shortest way round from `start` back to itself, staying inside `within`. */
function shortestLoop(start: string, next: Map<string, string[]>, within: Set<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of next.get(v) ?? []) {
      if (!within.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

function adjacency(edges: Edge[]): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    const list = next.get(from) ?? [];
    if (!list.includes(to)) list.push(to);
    next.set(from, list);
  }
  for (const list of next.values()) list.sort();
  return next;
}

function fileCycles(files: Map<string, SourceFile>): Violation[] {
  const next = adjacency(fileEdges(files));
  return cycles([...files.keys()], next).map((component) => {
    const loop = shortestLoop(component[0]!, next, new Set(component));
    const others = component.length > loop.length - 1 ? `; all ${component.length} files in this cycle: ${component.join(', ')}` : '';
    return { rule: 'file-cycle', files: component, message: `files import each other in a cycle: ${loop.join(' → ')}${others}` };
  });
}

// Tests are left out of the folder graph: nothing imports a test, and a test of web/ that uses testing/ (which
// starts the whole app) would otherwise put every tested folder in a cycle with testing/.
function folderCycles(files: Map<string, SourceFile>): Violation[] {
  const between = new Map<string, Edge[]>();
  for (const edge of fileEdges(files)) {
    if (isTest(edge.from) || !inSrc(edge.from) || !inSrc(edge.to)) continue;
    const [a, b] = [folderOf(edge.from), folderOf(edge.to)];
    if (a === b) continue;
    const key = `${a} ${b}`;
    between.set(key, [...(between.get(key) ?? []), edge]);
  }
  const folderEdges = [...between.keys()].map((k) => {
    const [from, to] = k.split(' ') as [string, string];
    return { from, to };
  });
  const next = adjacency(folderEdges);
  const folders = [...new Set(folderEdges.flatMap((e) => [e.from, e.to]))];
  return cycles(folders, next).map((component) => {
    // One loop rarely tells the whole story of a large cycle: show the shortest loop through each of its folders.
    const loops = new Map<string, string[]>();
    for (const folder of component) {
      const loop = shortestLoop(folder, next, new Set(component)).slice(0, -1);
      const first = loop.indexOf([...loop].sort()[0]!);
      const turned = [...loop.slice(first), ...loop.slice(0, first)];
      loops.set(turned.join(' '), [...turned, turned[0]!]);
    }
    const steps = new Map<string, Edge[]>();
    const lines: string[] = [];
    for (const loop of loops.values()) {
      lines.push(loop.join(' → '));
      for (const [k, to] of loop.slice(1).entries()) steps.set(`${loop[k]} ${to}`, between.get(`${loop[k]} ${to}`)!);
    }
    const because = [...steps].sort(([a], [b]) => a.localeCompare(b)).map(([key, edges]) => `${key.replace(' ', ' → ')}: ${edges.map((e) => `${e.from} imports ${e.to}`).join('; ')}`);
    return {
      rule: 'folder-cycle',
      files: [...new Set([...steps.values()].flat().flatMap((e) => [e.from, e.to]))],
      message: `folders of src/ import each other in a cycle of ${component.length} (${component.join(', ')}); its loops:\n    ${lines.join('\n    ')}\n  because:\n    ${because.join('\n    ')}`,
    };
  });
}

function importRules(files: Map<string, SourceFile>): Violation[] {
  const found: Violation[] = [];
  for (const file of files.values()) {
    if (!inSrc(file.path)) continue;
    const folder = folderOf(file.path);
    const product = !isTest(file.path) && folder !== 'testing';
    for (const i of file.imports) {
      const target = i.resolved;
      if (!target) continue;
      if (folder === 'domain' && !target.startsWith('src/domain/')) {
        found.push({ rule: 'domain-imports-outside-domain', files: [file.path, target], message: `${file.path} imports ${target}: domain/ imports only domain/` });
      }
      if (!isTest(file.path) && PLATFORM.has(folder) && inSrc(target) && isFeature(folderOf(target))) {
        found.push({ rule: 'platform-imports-feature', files: [file.path, target], message: `${file.path} imports ${target}: the platform (config, db/, http/, web/) never imports a feature` });
      }
      if (product && inSrc(target) && (folderOf(target) === 'testing' || isTest(target))) {
        found.push({ rule: 'product-imports-test-support', files: [file.path, target], message: `${file.path} imports ${target}: product code never imports test support` });
      }
    }
    if (isWiring(file.path)) {
      const kysely = file.imports.filter((i) => i.specifier === 'kysely' || i.specifier.startsWith('kysely/'));
      const what = [...(kysely.length > 0 ? ["imports 'kysely'"] : []), ...file.sql];
      if (what.length > 0) found.push({ rule: 'sql-in-wiring', files: [file.path], message: `${file.path} only wires, yet has SQL: ${what.join(', ')}` });
    }
  }
  return found;
}

/** Every broken rule, file cycles first; an empty list when the code has the shape the note describes. */
export function checkArchitecture(files: Map<string, SourceFile>): Violation[] {
  return [...fileCycles(files), ...folderCycles(files), ...importRules(files)];
}
