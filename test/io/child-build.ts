import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/**
 * Transpiles `entry` (a file under src/, e.g. 'io/container/write.ts') and every module it imports
 * relatively into `outDir`, keeping the src/ layout, so a plain `node` child process can import the
 * real code (Node 20 cannot run TypeScript). Returns the path of the entry's .js file.
 */
export function buildForChild(entry: string, outDir: string): string {
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'package.json'), '{"type":"module"}\n');
  const pending = [path.join(SRC, entry)];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (done.has(file)) continue;
    done.add(file);
    const source = fs.readFileSync(file, 'utf8');
    for (const match of source.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) pending.push(path.resolve(path.dirname(file), `${match[1]}.ts`));
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    const out = path.join(outDir, path.relative(SRC, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, outputText);
  }
  return path.join(outDir, entry.replace(/\.ts$/, '.js'));
}
