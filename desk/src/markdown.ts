/**
 * A small Markdown reader for the article preview: it turns the text into a tree of blocks and
 * inline pieces that the desk renders as elements with text children. Raw HTML is never markup
 * here, it stays text (article bodies are hostile input and the desk never parses markup), and a
 * link keeps its address only when it is http(s), mailto or relative.
 *
 * It covers what articles use (headings, paragraphs, lists, quotes, code, rules, emphasis, code
 * spans, links), not all of CommonMark: the widget shows the server's full rendering.
 */

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong' | 'em'; children: Inline[] }
  | { kind: 'link'; href: string | null; children: Inline[] }
  | { kind: 'break' };

export type Block =
  | { kind: 'heading'; level: number; content: Inline[] }
  | { kind: 'paragraph'; content: Inline[] }
  | { kind: 'list'; ordered: boolean; start: number; items: Inline[][] }
  | { kind: 'quote'; blocks: Block[] }
  | { kind: 'code'; text: string }
  | { kind: 'rule' };

/** Deeper quotes and emphasis than this are shown as text: hostile nesting cannot exhaust the stack. */
const MAX_DEPTH = 8;

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const ITEM = /^ {0,3}(?:([-*+])|(\d{1,9})[.)])[ \t]+(.*)$/;
const BLANK = /^[ \t]*$/;

/** The address of a link, or null when following it could run script or leave the web. */
export function safeHref(href: string): string | null {
  let parsed: URL;
  try {
    // The same parser the browser uses: it strips the tabs and control characters that hide a scheme.
    parsed = new URL(href, 'https://relative.invalid/');
  } catch {
    return null;
  }
  return ['http:', 'https:', 'mailto:'].includes(parsed.protocol) ? href.trim() : null;
}

/** A heading's words without its optional closing `#`s (by hand: a regex would backtrack on long runs of spaces). */
function headingText(raw: string): string {
  const text = raw.trimEnd();
  let end = text.length;
  while (end > 0 && text[end - 1] === '#') end -= 1;
  if (end === text.length) return text;
  if (end === 0) return '';
  return /[ \t]/.test(text[end - 1] ?? '') ? text.slice(0, end).trimEnd() : text;
}

function startsBlock(line: string): boolean {
  return (
    HEADING.test(line) || FENCE.test(line) || RULE.test(line) || QUOTE.test(line) || ITEM.test(line)
  );
}

/** The Markdown text as blocks. */
export function parseMarkdown(text: string, depth = 0): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (BLANK.test(line)) {
      i += 1;
      continue;
    }
    const heading = HEADING.exec(line);
    const fence = FENCE.exec(line);
    const quote = QUOTE.exec(line);
    const item = ITEM.exec(line);
    if (heading) {
      blocks.push({
        kind: 'heading',
        level: heading[1]?.length ?? 1,
        content: parseInline(headingText(heading[2] ?? ''), depth),
      });
      i += 1;
    } else if (fence) {
      const marker = fence[1] ?? '```';
      const code: string[] = [];
      i += 1;
      while (i < lines.length && !(lines[i] ?? '').trimStart().startsWith(marker))
        code.push(lines[i++] ?? '');
      i += 1;
      blocks.push({ kind: 'code', text: code.join('\n') });
    } else if (RULE.test(line)) {
      blocks.push({ kind: 'rule' });
      i += 1;
    } else if (quote) {
      const quoted: string[] = [];
      for (
        let m = QUOTE.exec(lines[i] ?? '');
        i < lines.length && m;
        m = QUOTE.exec(lines[i] ?? '')
      ) {
        quoted.push(m[1] ?? '');
        i += 1;
      }
      const inner = quoted.join('\n');
      blocks.push(
        depth < MAX_DEPTH
          ? { kind: 'quote', blocks: parseMarkdown(inner, depth + 1) }
          : { kind: 'paragraph', content: [{ kind: 'text', text: inner }] },
      );
    } else if (item) {
      const ordered = item[1] === undefined;
      const items: string[][] = [];
      while (i < lines.length) {
        const current = lines[i] ?? '';
        const next = ITEM.exec(current);
        if (next && (next[1] === undefined) === ordered) {
          items.push([next[3] ?? '']);
        } else if (!BLANK.test(current) && !startsBlock(current) && items.length > 0) {
          // A continuation line (indented or lazy) belongs to the item above.
          items[items.length - 1]?.push(current.trim());
        } else if (BLANK.test(current) && ITEM.test(lines[i + 1] ?? '')) {
          // A blank line between items keeps the list going.
        } else {
          break;
        }
        i += 1;
      }
      blocks.push({
        kind: 'list',
        ordered,
        start: ordered ? Number(item[2]) : 1,
        items: items.map((parts) => parseInline(parts.join('\n'), depth)),
      });
    } else {
      const paragraph: string[] = [];
      while (
        i < lines.length &&
        !BLANK.test(lines[i] ?? '') &&
        (paragraph.length === 0 || !startsBlock(lines[i] ?? ''))
      ) {
        paragraph.push((lines[i] ?? '').trim());
        i += 1;
      }
      blocks.push({ kind: 'paragraph', content: parseInline(paragraph.join('\n'), depth) });
    }
  }
  return blocks;
}

const ESCAPABLE = /[!-/:-@[-`{-~]/;

/** Emphasis closes on the first delimiter after a non-space; a closer that is not there is text. */
function closer(text: string, delimiter: string, from: number): number {
  for (let at = text.indexOf(delimiter, from); at !== -1; at = text.indexOf(delimiter, at + 1)) {
    const before = text[at - 1] ?? ' ';
    const after = text[at + delimiter.length] ?? '';
    if (before.trim() === '') continue;
    // A single `*` must not be half of a `**`.
    if (delimiter.length === 1 && after === delimiter) {
      at += 1;
      continue;
    }
    return at;
  }
  return -1;
}

/**
 * `indexOf` that remembers its last answer per needle: with positions that only grow, as in one
 * left-to-right pass, many openers without a closer cost one scan, not one each.
 */
function memoIndex(text: string): (needle: string, from: number) => number {
  const last = new Map<string, { from: number; at: number }>();
  return (needle, from) => {
    const known = last.get(needle);
    if (known && from >= known.from && (known.at === -1 || from <= known.at)) return known.at;
    const at = text.indexOf(needle, from);
    last.set(needle, { from, at });
    return at;
  };
}

/** Inline pieces of one block's text. */
export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = (): void => {
    if (plain) out.push({ kind: 'text', text: plain });
    plain = '';
  };
  // Where no closer exists past a position, none exists past any later one: remember it, so
  // many unclosed delimiters stay linear.
  const noCloserFrom = new Map<string, number>();
  const find = (delimiter: string, from: number): number => {
    if (from >= (noCloserFrom.get(delimiter) ?? Infinity)) return -1;
    const at = closer(text, delimiter, from);
    if (at === -1) noCloserFrom.set(delimiter, from);
    return at;
  };
  const seek = memoIndex(text);
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    const rest = text.slice(i, i + 2);
    if (ch === '\\' && ESCAPABLE.test(text[i + 1] ?? '')) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '\\' && text[i + 1] === '\n') {
      flush();
      out.push({ kind: 'break' });
      i += 2;
      continue;
    }
    if (ch === '`') {
      let run = 1;
      while (text[i + run] === '`') run += 1;
      const end = seek('`'.repeat(run), i + run);
      if (end !== -1) {
        flush();
        out.push({
          kind: 'code',
          text: text
            .slice(i + run, end)
            .replace(/\n/g, ' ')
            .trim(),
        });
        i = end + run;
        continue;
      }
      plain += '`'.repeat(run);
      i += run;
      continue;
    }
    const strong = rest === '**' || rest === '__' ? rest : '';
    const single =
      !strong && (ch === '*' || (ch === '_' && !/\w/.test(text[i - 1] ?? ''))) ? ch : '';
    const delimiter = strong || single;
    if (delimiter && depth < MAX_DEPTH && (text[i + delimiter.length] ?? ' ').trim() !== '') {
      const end = find(delimiter, i + delimiter.length);
      if (end !== -1) {
        flush();
        out.push({
          kind: strong ? 'strong' : 'em',
          children: parseInline(text.slice(i + delimiter.length, end), depth + 1),
        });
        i = end + delimiter.length;
        continue;
      }
    }
    if (ch === '[' && depth < MAX_DEPTH) {
      const close = seek('](', i + 1);
      const end = close === -1 ? -1 : seek(')', close + 2);
      const nested = seek('[', i + 1);
      if (close !== -1 && end !== -1 && (nested === -1 || nested > close)) {
        const target =
          text
            .slice(close + 2, end)
            .trim()
            .split(/\s+/)[0] ?? '';
        const label = parseInline(text.slice(i + 1, close), depth + 1);
        if (text[i - 1] === '!') {
          // `![alt](src)`: the desk loads no remote images; it names the image and links to it.
          plain = plain.slice(0, -1);
          label.unshift({ kind: 'text', text: 'Image: ' });
        }
        flush();
        out.push({ kind: 'link', href: safeHref(target.replace(/^<|>$/g, '')), children: label });
        i = end + 1;
        continue;
      }
    }
    if (ch === '<') {
      const end = seek('>', i + 1);
      const inside = end === -1 ? '' : text.slice(i + 1, end);
      if (/^(https?:\/\/|mailto:)[^\s<>]+$/i.test(inside)) {
        flush();
        out.push({
          kind: 'link',
          href: safeHref(inside),
          children: [{ kind: 'text', text: inside }],
        });
        i = end + 1;
        continue;
      }
    }
    if (ch === '\n') {
      // Two trailing spaces make a hard break; otherwise a line end is a space.
      if (plain.endsWith('  ')) {
        plain = plain.trimEnd();
        flush();
        out.push({ kind: 'break' });
      } else {
        plain = `${plain.trimEnd()} `;
      }
      i += 1;
      continue;
    }
    plain += ch;
    i += 1;
  }
  flush();
  return out;
}

/** The words of the inline pieces, as a screen reader or a test would read them. */
export function inlineText(pieces: readonly Inline[]): string {
  return pieces
    .map((piece) => {
      if (piece.kind === 'text' || piece.kind === 'code') return piece.text;
      if (piece.kind === 'break') return '\n';
      return inlineText(piece.children);
    })
    .join('');
}
