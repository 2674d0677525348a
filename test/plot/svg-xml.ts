import { spawnSync } from 'node:child_process';

/** What an XML parser sees in a plot: the texts of the label and legend groups, and the number of dots. */
export interface ParsedPlot {
  root: string;
  width: string;
  height: string;
  labels: string[];
  legend: string[];
  circles: number;
  title: string[];
}

// Python's expat parser (a strict XML 1.0 parser, independent of ours): raises on any
// malformed document.
const SCRIPT = `
import json, sys, xml.etree.ElementTree as ET
NS = '{http://www.w3.org/2000/svg}'
root = ET.fromstring(sys.stdin.buffer.read())
def texts(cls):
    out = []
    for g in root.iter(NS + 'g'):
        if g.get('class') == cls:
            out += [''.join(t.itertext()) for t in g.iter(NS + 'text')]
    return out
print(json.dumps({
    'root': root.tag, 'width': root.get('width'), 'height': root.get('height'),
    'labels': texts('labels'), 'legend': texts('legend'),
    'circles': sum(1 for g in root.iter(NS + 'g') if g.get('class') == 'points' for c in g.iter(NS + 'circle')),
    'title': [''.join(t.itertext()) for t in root.findall(NS + 'text')],
}))
`;

/** Parses `svg` with Python's XML parser (Debian's /usr/bin/python3); throws with the parser's message when it is not well-formed. */
export function parseSvg(svg: string): ParsedPlot {
  const r = spawnSync('/usr/bin/python3', ['-c', SCRIPT], { input: svg, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`not well-formed XML: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout) as ParsedPlot;
}
