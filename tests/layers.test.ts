// The layers a newcomer can rely on: which folders of src/ may import which (base at the bottom, the float64
// oracle apart from the GPU, engines apart from their bench, build code out of the runtime), where the DOM is,
// and no import circles between files (a type shared by two files lives in a leaf both import).

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every .ts file under src/, keyed by its path from the repository root ('src/cli/train.ts'). */
function readSources(): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.ts')) continue;
    const path = join('src', entry).split('\\').join('/');
    files.set(path, readFileSync(join(root, path), 'utf8'));
  }
  return files;
}

// Comments, and (with `strings`) string and template literals, blanked out; roughly, as a tokenizer would.
const LEXEMES = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\[\s\S]|[^`\\])*`/g;
function strip(source: string, strings: boolean): string {
  return source.replace(LEXEMES, (m) => (m.startsWith('/') ? ' ' : strings ? "''" : m));
}

// import x from '…', import type { … } from '…', import '…', export … from '…', import('…'),
// and the workers' new URL('…', import.meta.url).
const SPECIFIERS = [
  /\b(?:import|export)\s*(?:[\w*{}\s,$]*?\bfrom\s*)?(['"])([^'"\n]+)\1/g,
  /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g,
  /\bnew\s+URL\s*\(\s*(['"])([^'"\n]+)\1\s*,\s*import\.meta\.url/g,
];

interface Import {
  spec: string;
  /** The target's path from src/ ('ui/settings'), or undefined when it is a package or lies outside src/. */
  target: string | undefined;
}

function importsOf(path: string, source: string): Import[] {
  const code = strip(source, false);
  return SPECIFIERS.flatMap((re) => [...code.matchAll(re)]).map((m) => {
    const spec = m[2] ?? '';
    if (!spec.startsWith('.')) return { spec, target: undefined };
    const target = relative(join(root, 'src'), resolve(root, dirname(path), spec.split('?')[0] ?? ''));
    return { spec, target: target.startsWith('..') ? undefined : target.split('\\').join('/') };
  });
}

/** The folder of src/ a path from src/ lies in: 'ui/settings' → 'ui', 'main.ts' → 'main'. */
const folderOf = (srcPath: string): string => (srcPath.split('/')[0] ?? '').replace(/\.ts$/, '');
const among =
  (...folders: string[]) =>
  (folder: string) =>
    folders.includes(folder);
const not = (p: (folder: string) => boolean) => (folder: string) => !p(folder);

interface Rule {
  from: (folder: string) => boolean;
  to: (folder: string) => boolean;
}

/** The checker: every 'file -> specifier' in `files` from a folder matching `rule.from` into one matching `rule.to`. */
function violations(files: ReadonlyMap<string, string>, rule: Rule): string[] {
  const found: string[] = [];
  for (const [path, source] of files) {
    const from = folderOf(path.replace(/^src\//, ''));
    for (const { spec, target } of importsOf(path, source)) {
      if (target !== undefined && rule.from(from) && rule.to(folderOf(target))) found.push(`${path} -> '${spec}'`);
    }
  }
  return found;
}

/**
 * The import graph between the files of `files`: each file → the files of src/ it imports, type-only
 * imports, re-exports, dynamic imports and workers included ('data/features' → 'src/data/features.ts');
 * assets (.css) are left out.
 */
function importGraph(files: ReadonlyMap<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [path, source] of files) {
    const targets = importsOf(path, source).flatMap(({ target }) =>
      target === undefined || /\.(?!ts$)\w+$/.test(target) ? [] : [`src/${target.replace(/\.ts$/, '')}.ts`],
    );
    graph.set(path, [...new Set(targets)].sort());
  }
  return graph;
}

/**
 * Every circle a depth-first walk of `graph` closes, as its path [a, b, c, a]: one per edge back into
 * the walk's current path. Every circle holds such an edge, so none are found only when there are none.
 */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Map<string, number>(); // node → its index in path
  const visit = (node: string): void => {
    onPath.set(node, path.length);
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const at = onPath.get(next);
      if (at !== undefined) found.push([...path.slice(at), next]);
      else if (!done.has(next)) visit(next);
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) if (!done.has(node)) visit(node);
  return found;
}

const sources = readSources();
const engines = among('cpu', 'gpu', 'kernels', 'models', 'train', 'reference');

describe('architecture layers', () => {
  it('1. cli does not import ui', () => {
    expect(violations(sources, { from: among('cli'), to: among('ui') })).toEqual([]);
  });

  it('2. reference (float64 oracle) imports only base, data and itself', () => {
    const rule = { from: among('reference'), to: among('gpu', 'kernels', 'models', 'train') };
    expect(violations(sources, rule)).toEqual([]);
  });

  it('3. data does not import train or ui', () => {
    expect(violations(sources, { from: among('data'), to: among('train', 'ui') })).toEqual([]);
  });

  it('4. engines do not import bench', () => {
    expect(violations(sources, { from: engines, to: among('bench') })).toEqual([]);
  });

  it('5. base imports no other folder', () => {
    expect(violations(sources, { from: among('base'), to: not(among('base')) })).toEqual([]);
  });

  it('6. only build code imports vite-plugins', () => {
    expect(violations(sources, { from: not(among('vite-plugins')), to: among('vite-plugins') })).toEqual([]);
  });

  it('6b. derive (the hand-derivation checker, for the page, the CLI and the tests) imports only base, reference and itself', () => {
    expect(violations(sources, { from: among('derive'), to: not(among('derive', 'base', 'reference')) })).toEqual([]);
  });

  it('7. DOM only in ui, main.ts and bench/page.ts', () => {
    const dom = new RegExp(
      String.raw`(?<![\w$.])(?:document|window|location)\s*\.|` +
        String.raw`(?<![\w$.])(?:HTMLElement|HTMLCanvasElement|requestAnimationFrame|localStorage)(?![\w$])`,
      'g',
    );
    const found: string[] = [];
    for (const [path, source] of sources) {
      if (path.startsWith('src/ui/') || path === 'src/main.ts' || path === 'src/bench/page.ts') continue;
      const uses = new Set([...strip(source, true).matchAll(dom)].map((m) => m[0].replace(/\s+/g, '')));
      for (const use of uses) found.push(`${path} uses ${use}`);
    }
    expect(found).toEqual([]);
  });

  it('8. the scan is real', () => {
    const imports = [...sources].flatMap(([path, source]) => importsOf(path, source));
    const relativeImports = imports.filter((i) => i.target !== undefined);
    expect(sources.size).toBeGreaterThanOrEqual(100);
    expect(relativeImports.length).toBeGreaterThanOrEqual(300);

    const cliNoUi: Rule = { from: among('cli'), to: among('ui') };
    const good = new Map([['src/cli/a.ts', "import { Rng } from '../base/rng';\n// import { x } from '../ui/b';\n"]]);
    const bad = new Map([
      ['src/cli/a.ts', "import type {\n  Settings,\n} from '../ui/settings';\nconst m = await import('../ui/app.ts');\n"],
      ['src/ui/b.ts', "import { parseFlags } from '../cli/flags';\n"],
    ]);
    expect(violations(good, cliNoUi)).toEqual([]);
    expect(violations(bad, cliNoUi)).toEqual(["src/cli/a.ts -> '../ui/settings'", "src/cli/a.ts -> '../ui/app.ts'"]);
  });

  it('9. no import circles between files', () => {
    const graph = importGraph(sources);
    const missing = [...graph].flatMap(([path, targets]) => targets.filter((t) => !sources.has(t)).map((t) => `${path} -> ${t}`));
    expect(missing).toEqual([]);
    expect([...graph.values()].flat().length).toBeGreaterThanOrEqual(300);
    expect(circles(graph).map((circle) => circle.join(' → '))).toEqual([]);
  });

  it('10. the circle check is real', () => {
    const walk = (edges: Record<string, string[]>) => circles(new Map(Object.entries(edges)));
    expect(walk({ a: ['b'], b: ['c'], c: ['a'] })).toEqual([['a', 'b', 'c', 'a']]);
    expect(walk({ a: ['a'] })).toEqual([['a', 'a']]);
    expect(walk({ a: ['b', 'c'], b: ['c'], c: [] })).toEqual([]);

    const circular = new Map([
      ['src/x/a.ts', "import type { B } from './b';\nimport { d } from './d';\n"],
      ['src/x/b.ts', "export { c } from './c';\n"],
      ['src/x/c.ts', "const w = new Worker(new URL('./a.ts', import.meta.url), { type: 'module' });\n"],
      ['src/x/d.ts', "import './style.css';\n"],
    ]);
    expect(circles(importGraph(circular)).map((circle) => circle.join(' → '))).toEqual(['src/x/a.ts → src/x/b.ts → src/x/c.ts → src/x/a.ts']);

    const layered = new Map([
      ['src/x/a.ts', "import { b } from './b';\nconst m = await import('./c');\n"],
      ['src/x/b.ts', "import type { C } from './c';\n"],
      ['src/x/c.ts', "// import { a } from './a';\n/* import('./a') */\n"],
    ]);
    expect(circles(importGraph(layered))).toEqual([]);
  });
});
