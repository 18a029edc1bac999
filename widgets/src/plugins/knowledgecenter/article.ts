/**
 * Article bodies are Markdown. This renders the block level (headings, paragraphs, lists, code
 * blocks, quotes) as Preact elements and leaves the inline level to WebChat's safe `markdown`,
 * so the text of an article only ever becomes text nodes: raw HTML in a body shows as text,
 * and links keep WebChat's http(s)/mailto allow-list.
 */
import { h, type ComponentChild } from 'preact';
import { markdown } from '../../shared/markdown';

const HEADING = /^(#{1,6})\s+(.*)$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,9}[.)]\s+(.*)$/;
const FENCE = /^\s*(```|~~~)/;
const QUOTE = /^\s*>\s?(.*)$/;
// Long bodies are cut rather than laid out for seconds: an article is not a book.
const MAX_LINES = 5000;

type Block =
  | { kind: 'h' | 'p' | 'quote' | 'code'; level?: number; text: string }
  | { kind: 'ul' | 'ol'; items: string[] };

function blocksOf(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n').slice(0, MAX_LINES);
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i += 1;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      for (i += 1; i < lines.length && !lines[i]!.trim().startsWith(fence[1]!); i += 1)
        body.push(lines[i]!);
      i += 1;
      blocks.push({ kind: 'code', text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({
        kind: 'h',
        level: heading[1]!.length,
        text: heading[2]!.replace(/\s+#+\s*$/, ''),
      });
      i += 1;
      continue;
    }
    const listKind = BULLET.test(line) ? 'ul' : NUMBERED.test(line) ? 'ol' : undefined;
    if (listKind) {
      const pattern = listKind === 'ul' ? BULLET : NUMBERED;
      const items: string[] = [];
      for (; i < lines.length && pattern.test(lines[i]!); i += 1)
        items.push(pattern.exec(lines[i]!)![1]!);
      blocks.push({ kind: listKind, items });
      continue;
    }
    const kind = QUOTE.test(line) ? 'quote' : 'p';
    const text: string[] = [];
    for (
      ;
      i < lines.length &&
      lines[i]!.trim() &&
      !FENCE.test(lines[i]!) &&
      !HEADING.test(lines[i]!) &&
      (kind === 'quote'
        ? QUOTE.test(lines[i]!)
        : !BULLET.test(lines[i]!) && !NUMBERED.test(lines[i]!) && !QUOTE.test(lines[i]!));
      i += 1
    ) {
      text.push(kind === 'quote' ? QUOTE.exec(lines[i]!)![1]! : lines[i]!.trim());
    }
    if (text.length === 0)
      i += 1; // never stall on a line no rule claims
    else blocks.push({ kind, text: text.join(' ') });
  }
  return blocks;
}

/** The body of an article as Preact elements. Headings start at h3: the panel owns h2. */
export function articleBody(source: string): ComponentChild[] {
  return blocksOf(source).map((block) => {
    switch (block.kind) {
      case 'h':
        return h(`h${Math.min(6, (block.level ?? 1) + 2)}`, null, markdown(block.text));
      case 'code':
        return h('pre', null, h('code', null, block.text));
      case 'quote':
        return h('blockquote', null, markdown(block.text));
      case 'ul':
      case 'ol':
        return h(
          block.kind,
          null,
          block.items.map((item) => h('li', null, markdown(item))),
        );
      default:
        return h('p', null, markdown(block.text));
    }
  });
}
