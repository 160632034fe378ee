// A small Markdown renderer for model answers: headings, paragraphs, lists, block quotes, tables, rules, fenced
// code (highlighted, with a copy button), inline code, bold, italic, strike-through and links. It builds DOM
// nodes from the text (never innerHTML), so whatever a model writes is shown as text, not run as markup. It
// is called again as an answer streams in; an unclosed code fence renders as code so far.

import { highlight } from './highlight.js';

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TABLE_DIVIDER = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;

function el(tag, cls, ...children) {
  const e = document.createElement(tag);
  if (cls) {
    e.className = cls;
  }
  e.append(...children);
  return e;
}

/** Renders Markdown into a fresh DocumentFragment. */
export function renderMarkdown(text) {
  const frag = document.createDocumentFragment();
  blocks(text.replace(/\r\n?/g, '\n').split('\n'), frag);
  return frag;
}

function startsBlock(line, next) {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || ITEM.test(line)
    || (line.includes('|') && next !== undefined && TABLE_DIVIDER.test(next) && next.includes('-'));
}

function blocks(lines, into) {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if (line.trim() === '') {
      i++;
    } else if ((m = FENCE.exec(line))) {
      const fence = m[1];
      const body = [];
      i++;
      while (i < lines.length && !(lines[i].trim().startsWith(fence[0].repeat(fence.length))
          && lines[i].trim().replace(new RegExp('^\\' + fence[0] + '+'), '').trim() === '')) {
        body.push(lines[i]);
        i++;
      }
      i++; // the closing fence (or past the end while it still streams)
      into.append(codeBlock(body.join('\n'), m[2]));
    } else if ((m = HEADING.exec(line))) {
      into.append(el('h' + Math.min(6, m[1].length + 2), 'md-h', ...inline(m[2])));
      i++;
    } else if (RULE.test(line)) {
      into.append(el('hr'));
      i++;
    } else if (QUOTE.test(line)) {
      const body = [];
      while (i < lines.length && (m = QUOTE.exec(lines[i]))) {
        body.push(m[1]);
        i++;
      }
      const q = el('blockquote');
      blocks(body, q);
      into.append(q);
    } else if (ITEM.test(line)) {
      i = list(lines, i, into);
    } else if (line.includes('|') && i + 1 < lines.length && TABLE_DIVIDER.test(lines[i + 1])
        && lines[i + 1].includes('-')) {
      i = table(lines, i, into);
    } else {
      const para = [];
      while (i < lines.length && lines[i].trim() !== '' && (para.length === 0 || !startsBlock(lines[i], lines[i + 1]))) {
        para.push(lines[i].trim());
        i++;
      }
      const p = el('p');
      para.forEach((l, k) => {
        if (k > 0) {
          p.append(el('br'));
        }
        p.append(...inline(l));
      });
      into.append(p);
    }
  }
}

/** A list starting at lines[start]; items hold their indented continuation lines (nested lists included). */
function list(lines, start, into) {
  const first = ITEM.exec(lines[start]);
  const indent = first[1].length;
  const ordered = /\d/.test(first[2]);
  const listEl = el(ordered ? 'ol' : 'ul');
  if (ordered && parseInt(first[2], 10) !== 1) {
    listEl.start = parseInt(first[2], 10);
  }
  let i = start;
  while (i < lines.length) {
    const m = ITEM.exec(lines[i]);
    if (!m || m[1].length !== indent || /\d/.test(m[2]) !== ordered) {
      break;
    }
    const body = [m[3]];
    i++;
    while (i < lines.length) {
      const l = lines[i];
      const nested = ITEM.exec(l);
      if (l.trim() === '') {
        // A blank line ends the item unless the next line is indented under it.
        if (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1]) && leading(lines[i + 1]) > indent) {
          body.push('');
          i++;
          continue;
        }
        break;
      }
      if (nested && nested[1].length <= indent) {
        break;
      }
      if (leading(l) <= indent && !nested && startsBlock(l, lines[i + 1])) {
        break;
      }
      body.push(l.slice(Math.min(leading(l), indent + 2)));
      i++;
    }
    const li = el('li');
    if (body.length === 1) {
      li.append(...inline(body[0]));
    } else {
      blocks(body, li);
      // A one-paragraph item reads better without the paragraph's margins.
      if (li.firstChild && li.firstChild.tagName === 'P') {
        li.firstChild.classList.add('tight');
      }
    }
    listEl.append(li);
    while (i < lines.length && lines[i].trim() === '' && i + 1 < lines.length && ITEM.test(lines[i + 1])
        && ITEM.exec(lines[i + 1])[1].length === indent) {
      i++; // a loose list: blank lines between items
    }
  }
  into.append(listEl);
  return i;
}

function leading(line) {
  return line.length - line.trimStart().length;
}

function cells(line) {
  let s = line.trim();
  if (s.startsWith('|')) {
    s = s.slice(1);
  }
  if (s.endsWith('|') && !s.endsWith('\\|')) {
    s = s.slice(0, -1);
  }
  return s.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

function table(lines, start, into) {
  const head = cells(lines[start]);
  const aligns = cells(lines[start + 1]).map((c) => (c.startsWith(':') && c.endsWith(':') ? 'center'
    : c.endsWith(':') ? 'right' : c.startsWith(':') ? 'left' : ''));
  const t = el('table');
  const tr = el('tr');
  head.forEach((c, k) => {
    const th = el('th', null, ...inline(c));
    if (aligns[k]) {
      th.style.textAlign = aligns[k];
    }
    tr.append(th);
  });
  t.append(el('thead', null, tr));
  const tbody = el('tbody');
  let i = start + 2;
  while (i < lines.length && lines[i].includes('|') && lines[i].trim() !== '') {
    const row = el('tr');
    cells(lines[i]).forEach((c, k) => {
      if (k < head.length) {
        const td = el('td', null, ...inline(c));
        if (aligns[k]) {
          td.style.textAlign = aligns[k];
        }
        row.append(td);
      }
    });
    tbody.append(row);
    i++;
  }
  t.append(tbody);
  into.append(el('div', 'table-wrap', t));
  return i;
}

/** A fenced code block: a header with the language and a copy button, then the highlighted code. */
export function codeBlock(code, lang) {
  const copy = el('button', 'copy ghost small', 'Copy');
  copy.type = 'button';
  copy.addEventListener('click', () => {
    copyText(code).then(() => {
      copy.textContent = 'Copied';
      setTimeout(() => { copy.textContent = 'Copy'; }, 1500);
    }, () => {
      copy.textContent = 'Copy failed';
    });
  });
  const codeEl = el('code');
  highlight(code, lang, codeEl);
  return el('div', 'code-block', el('div', 'code-head', el('span', 'lang', lang || 'text'), copy),
    el('pre', null, codeEl));
}

/** Copies text to the clipboard; falls back to a selection where the Clipboard API is unavailable (plain http). */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(text);
  }
  const ta = el('textarea');
  ta.value = text;
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.append(ta);
  ta.select();
  const ok = document.execCommand('copy');
  ta.remove();
  if (!ok) {
    throw new Error('copy refused');
  }
}

// Earliest match wins; at one position the first alternative does (code before emphasis, links before text).
const INLINE = new RegExp([
  '(?<code>(`+)([^`]|[^`][\\s\\S]*?[^`])\\2(?!`))',
  // A link's URL may hold balanced parentheses (as Wikipedia's do).
  '(?<link>\\[([^\\]]+)\\]\\(\\s*<?((?:[^()\\s<>]|\\([^()\\s]*\\))+)>?(?:\\s+"[^"]*")?\\s*\\))',
  '(?<strong>\\*\\*(?=\\S)([\\s\\S]*?\\S)\\*\\*|__(?=\\S)([\\s\\S]*?\\S)__)',
  '(?<del>~~(?=\\S)([\\s\\S]*?\\S)~~)',
  '(?<em>\\*(?=[^\\s*])([\\s\\S]*?[^\\s*])\\*|(?<![\\w])_(?=\\S)([\\s\\S]*?\\S)_(?![\\w]))',
  '(?<auto>https?://[^\\s<>()\\]]*[^\\s<>()\\].,;:!?\'"])',
  '(?<esc>\\\\[\\\\`*_{}\\[\\]()#+\\-.!|~>])',
].join('|'), 'g');

function safeUrl(url) {
  return /^(https?:|mailto:)/i.test(url) ? url : null;
}

function link(text, url) {
  const safe = safeUrl(url);
  if (!safe) {
    return el('span', null, ...text);
  }
  const a = el('a', null, ...text);
  a.href = safe;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}

/** Inline Markdown of one line as an array of nodes. */
export function inline(text) {
  const out = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) {
      out.push(text.slice(last, m.index));
    }
    const g = m.groups;
    if (g.code !== undefined) {
      out.push(el('code', 'inline', m[3].replace(/^ (.*) $/, '$1')));
    } else if (g.link !== undefined) {
      out.push(link(inline(m[5]), m[6]));
    } else if (g.strong !== undefined) {
      out.push(el('strong', null, ...inline(m[8] ?? m[9])));
    } else if (g.del !== undefined) {
      out.push(el('del', null, ...inline(m[11])));
    } else if (g.em !== undefined) {
      out.push(el('em', null, ...inline(m[13] ?? m[14])));
    } else if (g.auto !== undefined) {
      out.push(link([g.auto], g.auto));
    } else {
      out.push(g.esc.slice(1));
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) {
    out.push(text.slice(last));
  }
  return out;
}
