// Query → document sets built from local files, for bench/search.mjs and bench/search-*.mjs.
// Each set: { name, docs: [{id, text}], queries: [{id, text, relevant: [id]}] }, one relevant
// document per query, the query never copied verbatim into its document.
//
// npm:    the npm packages installed in node_modules: query = the package.json "description",
//         document = the package's README.md with every line containing the description (or its
//         first 40 characters) removed. Packages sorted by name; those with a description of ≥ 4
//         words and a README of ≥ 50 words (first `limit` of them).
// man:    Debian's section-1 man pages (/usr/share/man/man1): query = the one-line description of
//         the NAME section ("ls \- list directory contents" → "list directory contents"), document =
//         the rest of the page, roff markup stripped, lines containing the description removed.
//         Pages sorted by file name, `.so` aliases and duplicate descriptions skipped, descriptions
//         of ≥ 4 words, bodies of ≥ 50 words; every n-th page so that `limit` pages are spread
//         over the alphabet (all usable pages when `limit` ≥ their number).
// debian: the installed Debian packages (/var/lib/dpkg/status): query = the one-line synopsis of
//         "Description:", document = the extended description below it (the lines starting with a
//         space), lines containing the synopsis removed. Packages sorted by name; synopses of ≥ 4
//         words, extended descriptions of ≥ 30 words; a package whose synopsis or extended
//         description repeats an earlier one (libfoo1 / libfoo-dev) is skipped.
// python: docstrings of the Python 3.11 standard library (/usr/lib/python3.11, tests and idlelib
//         left out; functions, methods and classes, parsed by python3's ast): query = the summary
//         (the docstring's first paragraph, 4–25 words), document = the rest of the docstring, lines containing
//         the summary removed. Sorted by qualified name; rests of ≥ 30
//         words, repeated summaries or rests skipped; every n-th so that `limit` are spread over
//         the modules.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

function packageDirs(root) {
  const out = [];
  for (const name of fs.readdirSync(root).sort()) {
    if (name.startsWith('.')) continue;
    const p = path.join(root, name);
    if (name.startsWith('@')) for (const sub of fs.readdirSync(p).sort()) out.push(path.join(p, sub));
    else out.push(p);
  }
  return out;
}

/** Removes the lines of `body` that contain the query (or its first 40 characters). */
function withoutQuery(body, query) {
  const head = query.slice(0, 40).toLowerCase();
  return body
    .split('\n')
    .filter((l) => !l.toLowerCase().includes(head) && !l.includes(query))
    .join('\n')
    .slice(0, 20000);
}

/** npm READMEs (see the header). */
export function npmSet(limit = 1500) {
  const docs = [];
  const queries = [];
  for (const dir of packageDirs('node_modules')) {
    let pkg;
    try {
      pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const readme = ['README.md', 'readme.md', 'Readme.md'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    const desc = typeof pkg.description === 'string' ? pkg.description.trim() : '';
    if (!readme || desc.split(/\s+/).length < 4) continue;
    const body = withoutQuery(fs.readFileSync(readme, 'utf8'), desc);
    if (body.split(/\s+/).length < 50) continue;
    if (docs.some((d) => d.id === pkg.name)) continue;
    docs.push({ id: pkg.name, text: body });
    queries.push({ id: pkg.name, text: desc, relevant: [pkg.name] });
    if (docs.length >= limit) break;
  }
  return { name: 'npm READMEs', docs, queries };
}

/** Plain text of a roff man page: macros' arguments kept, escapes and comments dropped. */
function roffToText(src) {
  const out = [];
  for (let line of src.split('\n')) {
    if (/^[.']\s*\\"/.test(line) || /^\.\s*(?:de|ig|TH|so|ds|nr|if|ie|el|ft|in|ti|sp|br|PD|na|ad|ne|hy|nh|ll)\b/.test(line)) continue;
    if (/^[.']/.test(line)) line = line.replace(/^[.']\s*[A-Za-z]{1,3}\s?/, '');
    line = line
      .replace(/\\f(?:\[[^\]]*\]|\(..|.)/g, '')
      .replace(/\\\*(?:\[[^\]]*\]|\(..|.)/g, '')
      .replace(/\\\(em|\\\(en/g, ' - ')
      .replace(/\\\((..)/g, ' ')
      .replace(/\\\[[^\]]*\]/g, ' ')
      .replace(/\\[-e]/g, (m) => (m === '\\-' ? '-' : '\\'))
      .replace(/\\s[+-]?\d/g, '')
      .replace(/\\[&|^%c:]/g, '')
      .replace(/\\ /g, ' ')
      .replace(/"/g, '');
    out.push(line);
  }
  return out.join('\n');
}

/** Every n-th of `candidates` ({id, desc, body}) so that `limit` are spread over them, as a set. */
function spreadSet(title, candidates, limit) {
  const step = Math.max(1, candidates.length / limit);
  const picked = [];
  for (let i = 0; picked.length < Math.min(limit, candidates.length); i++) picked.push(candidates[Math.floor(i * step)]);
  return {
    name: `${title} (${picked.length} of ${candidates.length} usable)`,
    docs: picked.map((c) => ({ id: c.id, text: c.body })),
    queries: picked.map((c) => ({ id: c.id, text: c.desc, relevant: [c.id] })),
  };
}

/** Section-1 man pages (see the header). */
export function manSet(manLimit = 1000) {
  const dir = '/usr/share/man/man1';
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.gz'))
    .sort();
  const candidates = [];
  const seen = new Set();
  for (const f of files) {
    let src;
    try {
      src = zlib.gunzipSync(fs.readFileSync(path.join(dir, f))).toString('utf8');
    } catch {
      continue;
    }
    if (/^\.so\s/m.test(src.slice(0, 200))) continue;
    const lines = src.split('\n');
    let desc;
    let bodyLines;
    const nd = lines.findIndex((l) => /^\.Nd\s/.test(l)); // mdoc pages: ".Nd description"
    if (nd >= 0) {
      desc = roffToText(lines[nd].replace(/^\.Nd\s+/, '')).trim();
      bodyLines = lines.slice(nd + 1);
    } else {
      const i = lines.findIndex((l) => /^\.SH\s+"?NAME"?\s*$/i.test(l));
      if (i < 0) continue;
      let j = i + 1;
      while (j < lines.length && !/^\.S[Hh]\s/.test(lines[j])) j++;
      const nameText = roffToText(lines.slice(i + 1, j).join('\n'))
        .replace(/\s+/g, ' ')
        .trim();
      const dash = nameText.search(/\s[-–—]+\s/);
      if (dash < 0) continue;
      desc = nameText
        .slice(dash)
        .replace(/^\s[-–—]+\s/, '')
        .trim();
      bodyLines = lines.slice(j);
    }
    if (desc.split(/\s+/).length < 4 || /manual page for/i.test(desc) || seen.has(desc.toLowerCase())) continue;
    const body = withoutQuery(roffToText(bodyLines.join('\n')), desc);
    if (body.split(/\s+/).length < 50) continue;
    seen.add(desc.toLowerCase());
    candidates.push({ id: f.replace(/\.gz$/, ''), desc, body });
  }
  return spreadSet('man pages', candidates, manLimit);
}

/** Installed Debian packages: synopsis → extended description (see the header). */
export function debianSet(limit = Infinity) {
  const entries = fs.readFileSync('/var/lib/dpkg/status', 'utf8').split(/\n\n+/);
  const candidates = [];
  for (const e of entries) {
    const name = /^Package: (\S+)/m.exec(e)?.[1];
    const m = /^Description: (.*)\n((?: .*\n?)*)/m.exec(e);
    if (!name || !m) continue;
    const desc = m[1].trim();
    const long = m[2]
      .split('\n')
      .map((l) => l.replace(/^ /, ''))
      .map((l) => (l.trim() === '.' ? '' : l))
      .join('\n');
    candidates.push({ id: name, desc, body: withoutQuery(long, desc) });
  }
  candidates.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const seenDesc = new Set();
  const seenBody = new Set();
  const docs = [];
  const queries = [];
  for (const c of candidates) {
    const key = c.desc.toLowerCase();
    const bodyKey = c.body.replace(/\s+/g, ' ').trim().toLowerCase();
    if (c.desc.split(/\s+/).length < 4 || c.body.split(/\s+/).length < 30 || seenDesc.has(key) || seenBody.has(bodyKey)) continue;
    seenDesc.add(key);
    seenBody.add(bodyKey);
    docs.push({ id: c.id, text: c.body });
    queries.push({ id: c.id, text: c.desc, relevant: [c.id] });
    if (docs.length >= limit) break;
  }
  return { name: `Debian package descriptions (${docs.length} installed packages)`, docs, queries };
}

const DOCSTRINGS_PY = `
import ast, json, os, sys
root = '/usr/lib/python3.11'
out = []
for dp, dn, fn in os.walk(root):
    dn[:] = sorted(d for d in dn if d not in ('test', 'tests', 'idlelib', '__pycache__', 'site-packages'))
    for f in sorted(fn):
        if not f.endswith('.py'):
            continue
        p = os.path.join(dp, f)
        try:
            tree = ast.parse(open(p, encoding='utf8').read())
        except Exception:
            continue
        mod = os.path.relpath(p, root)[:-3].replace('/', '.')
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                d = ast.get_docstring(node)
                if d:
                    out.append([mod + '.' + node.name, d])
json.dump(out, sys.stdout)
`;

/** Python standard-library docstrings: summary → rest (see the header). */
export function pythonSet(limit = 1000) {
  const all = JSON.parse(execFileSync('python3', ['-c', DOCSTRINGS_PY], { maxBuffer: 1 << 28, encoding: 'utf8' }));
  all.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const seen = new Set();
  const candidates = [];
  for (const [id, doc] of all) {
    const paragraphs = doc.split(/\n\s*\n/);
    const desc = paragraphs[0].replace(/\s+/g, ' ').trim();
    const body = withoutQuery(paragraphs.slice(1).join('\n\n'), desc);
    const key = desc.toLowerCase();
    const bodyKey = body.replace(/\s+/g, ' ').trim().toLowerCase();
    if (
      desc.split(/\s+/).length < 4 ||
      desc.split(/\s+/).length > 25 ||
      body.split(/\s+/).length < 30 ||
      seen.has(key) ||
      seen.has(bodyKey) ||
      seen.has(`id:${id}`)
    )
      continue;
    seen.add(key);
    seen.add(bodyKey);
    seen.add(`id:${id}`);
    candidates.push({ id, desc, body });
  }
  return spreadSet('Python docstrings', candidates, limit);
}

/** The set named `name` (npm, man, debian, python). */
export function querySet(name, { limit = 1500, manLimit = 1000 } = {}) {
  if (name === 'npm') return npmSet(limit);
  if (name === 'man') return manSet(manLimit);
  if (name === 'debian') return debianSet();
  if (name === 'python') return pythonSet(manLimit);
  throw new Error(`unknown set '${name}' (npm, man, debian, python)`);
}
