/**
 * A tiny Markdown subset for agent messages (`webchat.markdown: true`): **bold**, *italic*,
 * `code` and [links](https://…). It returns Preact elements whose children are plain strings,
 * so message text can only ever become text nodes; there is no HTML step at all.
 */
import { h, type ComponentChild } from 'preact';

const INLINE =
  /\*\*([^*\n]+)\*\*|\*([^*\n]+)\*|`([^`\n]+)`|\[([^\]\n]+)\]\(((?:https?:|mailto:)[^\s)]+)\)/g;

export function markdown(text: string): ComponentChild[] {
  const out: ComponentChild[] = [];
  let last = 0;
  INLINE.lastIndex = 0;
  for (let found = INLINE.exec(text); found; found = INLINE.exec(text)) {
    if (found.index > last) out.push(text.slice(last, found.index));
    const [, bold, italic, code, label, href] = found;
    if (bold !== undefined) out.push(h('strong', null, bold));
    else if (italic !== undefined) out.push(h('em', null, italic));
    else if (code !== undefined) out.push(h('code', null, code));
    else out.push(h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, label));
    last = INLINE.lastIndex;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
