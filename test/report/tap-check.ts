/**
 * A strict TAP version 14 reader for the tap reporter's tests (testanything.org/tap-version-14-specification):
 * version line first; one plan; test points numbered 1, 2, … with an optional description and a SKIP/TODO directive;
 * YAML blocks ("  ---" … "  ...") only right after a test point, each line a `key: value` pair, a `key:` opening
 * a list, or a `- key: value` list item, every value a number, a bare word or a valid double-quoted string; "#"
 * comments; "Bail out!". Any other line, a number out of order, or a count that differs from the plan throws.
 */
export interface TapPoint {
  ok: boolean;
  id: number;
  description: string;
  directive?: { kind: 'SKIP' | 'TODO'; reason: string };
  yaml?: Record<string, unknown>;
}

export interface TapDocument {
  plan: number;
  points: TapPoint[];
  comments: string[];
  bailOut?: string;
}

const POINT = /^(not )?ok (\d+)(?: - ((?:[^\\#]|\\[\\#])*?))?(?: # (SKIP|TODO)(?: (.*))?)?$/;
const YAML_PAIR = /^ {2}([a-z_]+): (.+)$/;
const YAML_LIST = /^ {2}([a-z_]+):$/;
const YAML_ITEM = /^ {4}- ([a-z_]+): (.+)$/;
const YAML_ITEM_MORE = /^ {6}([a-z_]+): (.+)$/;

/** A YAML scalar as the reporter writes them: a double-quoted string (JSON escapes), a number or a bare word. */
function scalar(text: string, line: number): unknown {
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      throw new Error(`line ${line}: not a valid double-quoted YAML string: ${text}`);
    }
  }
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^[A-Z]+$/.test(text)) return text;
  throw new Error(`line ${line}: unexpected YAML value ${text}`);
}

export function parseTap(text: string): TapDocument {
  if (!text.endsWith('\n')) throw new Error('TAP output must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines[0] !== 'TAP version 14') throw new Error(`first line must be "TAP version 14", got ${JSON.stringify(lines[0])}`);
  const doc: TapDocument = { plan: -1, points: [], comments: [] };
  let i = 1;
  while (i < lines.length) {
    const line = lines[i]!;
    const n = i + 1;
    if (doc.bailOut !== undefined) throw new Error(`line ${n}: nothing may follow "Bail out!"`);
    const plan = /^1\.\.(\d+)$/.exec(line);
    const point = POINT.exec(line);
    if (plan) {
      if (doc.plan >= 0) throw new Error(`line ${n}: a second plan`);
      if (doc.points.length > 0 && i !== lines.length - 1) throw new Error(`line ${n}: a plan must come first or last`);
      doc.plan = Number(plan[1]);
    } else if (point) {
      const id = Number(point[2]);
      if (id !== doc.points.length + 1) throw new Error(`line ${n}: test point ${id} out of order`);
      const p: TapPoint = { ok: !point[1], id, description: (point[3] ?? '').replace(/\\([\\#])/g, '$1') };
      if (point[4]) p.directive = { kind: point[4] as 'SKIP' | 'TODO', reason: point[5] ?? '' };
      doc.points.push(p);
      if (lines[i + 1] === '  ---') {
        i += 2;
        const yaml: Record<string, unknown> = {};
        let list: Record<string, unknown>[] | undefined;
        for (; lines[i] !== '  ...'; i++) {
          const y = lines[i];
          if (y === undefined) throw new Error(`line ${n}: YAML block never closed`);
          const open = YAML_LIST.exec(y);
          const pair = YAML_PAIR.exec(y);
          const first = YAML_ITEM.exec(y);
          const more = YAML_ITEM_MORE.exec(y);
          if (open) yaml[open[1]!] = list = [];
          else if (pair) {
            list = undefined;
            yaml[pair[1]!] = scalar(pair[2]!, i + 1);
          } else if (list && first) list.push({ [first[1]!]: scalar(first[2]!, i + 1) });
          else if (list && more && list.length > 0) list.at(-1)![more[1]!] = scalar(more[2]!, i + 1);
          else throw new Error(`line ${i + 1}: not valid in a YAML block: ${JSON.stringify(y)}`);
        }
        p.yaml = yaml;
      }
    } else if (line.startsWith('#')) doc.comments.push(line.slice(1).trim());
    else if (line.startsWith('Bail out!')) doc.bailOut = line.slice('Bail out!'.length).trim();
    else throw new Error(`line ${n}: not a TAP line: ${JSON.stringify(line)}`);
    i++;
  }
  if (doc.plan < 0) throw new Error('no plan');
  if (doc.bailOut === undefined && doc.plan !== doc.points.length) throw new Error(`plan says ${doc.plan} tests, ${doc.points.length} ran`);
  return doc;
}
