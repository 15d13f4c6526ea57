// The layers a newcomer can rely on: which folders of src/ may import which (base at the bottom, the float64
// oracle apart from the GPU, engines apart from their bench, build code out of the runtime) and where the DOM is.

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
});
