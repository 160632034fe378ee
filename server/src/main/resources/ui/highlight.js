// A small syntax highlighter for code blocks: comments, strings, numbers and keywords, by language family.
// It builds DOM nodes (never HTML strings), so code from a model cannot inject markup.

const C_LIKE_KEYWORDS = [
  'abstract', 'async', 'await', 'break', 'case', 'catch', 'char', 'class', 'const', 'continue', 'default', 'delete',
  'do', 'double', 'else', 'enum', 'export', 'extends', 'false', 'final', 'finally', 'float', 'fn', 'for', 'func',
  'function', 'go', 'if', 'impl', 'implements', 'import', 'in', 'instanceof', 'int', 'interface', 'let', 'long',
  'match', 'mod', 'mut', 'new', 'null', 'nil', 'of', 'package', 'private', 'protected', 'pub', 'public', 'record',
  'return', 'sealed', 'self', 'short', 'static', 'struct', 'super', 'switch', 'this', 'throw', 'throws', 'trait',
  'true', 'try', 'type', 'typeof', 'undefined', 'unsigned', 'use', 'var', 'void', 'volatile', 'while', 'yield',
  'boolean', 'byte', 'bool', 'string', 'auto', 'namespace', 'template', 'typename', 'include', 'define', 'val',
  'fun', 'object', 'when', 'where', 'loop', 'crate', 'defer', 'chan', 'range', 'map', 'select', 'from', 'as',
];
const PYTHON_KEYWORDS = [
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield', 'self', 'print', 'match', 'case',
];
const SHELL_KEYWORDS = [
  'if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'do', 'done', 'case', 'esac', 'in', 'function', 'return',
  'export', 'local', 'echo', 'cd', 'set', 'unset', 'source', 'exit', 'readonly', 'shift', 'until',
];
const SQL_KEYWORDS = [
  'select', 'from', 'where', 'and', 'or', 'not', 'insert', 'into', 'values', 'update', 'set', 'delete', 'create',
  'table', 'drop', 'alter', 'join', 'left', 'right', 'inner', 'outer', 'on', 'group', 'by', 'order', 'having',
  'limit', 'as', 'distinct', 'null', 'is', 'in', 'like', 'primary', 'key', 'index', 'union', 'all', 'case', 'when',
  'then', 'else', 'end', 'count', 'sum', 'avg', 'min', 'max', 'asc', 'desc', 'with', 'exists', 'between',
];

const FAMILIES = {
  c: { line: '//', block: true, keywords: new Set(C_LIKE_KEYWORDS), backtick: true },
  python: { line: '#', block: false, keywords: new Set(PYTHON_KEYWORDS), triple: true },
  shell: { line: '#', block: false, keywords: new Set(SHELL_KEYWORDS) },
  sql: { line: '--', block: true, keywords: new Set(SQL_KEYWORDS), caseless: true },
  json: { line: null, block: false, keywords: new Set(['true', 'false', 'null']) },
  yaml: { line: '#', block: false, keywords: new Set(['true', 'false', 'null', 'yes', 'no']) },
  plain: { line: null, block: false, keywords: new Set() },
};

const ALIASES = {
  js: 'c', javascript: 'c', jsx: 'c', ts: 'c', typescript: 'c', tsx: 'c', java: 'c', kotlin: 'c', kt: 'c',
  c: 'c', h: 'c', cpp: 'c', 'c++': 'c', cc: 'c', hpp: 'c', cs: 'c', csharp: 'c', go: 'c', golang: 'c', rust: 'c',
  rs: 'c', swift: 'c', scala: 'c', dart: 'c', php: 'c', groovy: 'c', zig: 'c',
  python: 'python', py: 'python', python3: 'python', ruby: 'python', rb: 'python',
  sh: 'shell', bash: 'shell', shell: 'shell', zsh: 'shell', console: 'shell', dockerfile: 'shell', make: 'shell',
  sql: 'sql', json: 'json', jsonc: 'c', yaml: 'yaml', yml: 'yaml', toml: 'yaml', ini: 'yaml',
};

/** The highlighting rules for a code block's language tag; unknown tags get strings and numbers only. */
function family(lang) {
  return FAMILIES[ALIASES[(lang || '').toLowerCase()] || 'plain'];
}

function tokenPattern(f) {
  const parts = [];
  if (f.block) {
    parts.push('(?<com>/\\*[\\s\\S]*?(?:\\*/|$))');
  }
  if (f.line) {
    const l = f.line.replace(/[/\\^$*+?.()|[\]{}-]/g, '\\$&');
    parts.push('(?<lcom>' + l + '.*)');
  }
  if (f.triple) {
    parts.push('(?<tstr>"""[\\s\\S]*?(?:"""|$)|\'\'\'[\\s\\S]*?(?:\'\'\'|$))');
  }
  parts.push('(?<str>"(?:[^"\\\\\\n]|\\\\.)*"?|\'(?:[^\'\\\\\\n]|\\\\.)*\'?' + (f.backtick ? '|`(?:[^`\\\\]|\\\\.)*`?' : '') + ')');
  parts.push('(?<num>\\b(?:0[xX][0-9a-fA-F_]+|\\d[\\d_]*(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)[fFlLuU]?\\b)');
  parts.push('(?<word>[A-Za-z_$][\\w$]*)');
  return new RegExp(parts.join('|'), 'g');
}

function span(cls, text) {
  const s = document.createElement('span');
  s.className = cls;
  s.textContent = text;
  return s;
}

/** Fills `into` (a <code> element) with the highlighted code. */
export function highlight(code, lang, into) {
  const f = family(lang);
  const re = tokenPattern(f);
  let last = 0;
  for (const m of code.matchAll(re)) {
    const g = m.groups;
    let cls = null;
    if (g.com !== undefined || g.lcom !== undefined) {
      cls = 'tok-com';
    } else if (g.str !== undefined || g.tstr !== undefined) {
      cls = 'tok-str';
    } else if (g.num !== undefined) {
      cls = 'tok-num';
    } else if (g.word !== undefined) {
      const w = f.caseless ? g.word.toLowerCase() : g.word;
      if (f.keywords.has(w)) {
        cls = 'tok-kw';
      } else if (code[m.index + g.word.length] === '(' && f !== FAMILIES.plain) {
        cls = 'tok-fn';
      }
    }
    if (cls === null) {
      continue;
    }
    if (m.index > last) {
      into.append(code.slice(last, m.index));
    }
    into.append(span(cls, m[0]));
    last = m.index + m[0].length;
  }
  if (last < code.length) {
    into.append(code.slice(last));
  }
}
