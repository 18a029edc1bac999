/**
 * HTML that a site injects into WebChat (`injectMessage {type: 'html'}`, `showOverlay`) is
 * rebuilt element by element from an allow-list: only text and a few inert tags survive,
 * links only with http(s) or mailto targets. Nothing is ever assigned as an HTML string.
 */
const ALLOWED = new Set([
  'a',
  'b',
  'br',
  'code',
  'div',
  'em',
  'h3',
  'h4',
  'i',
  'li',
  'ol',
  'p',
  'pre',
  'small',
  'span',
  'strong',
  'u',
  'ul',
]);
/** Elements whose content is dropped with them (their text is code or markup, not prose). */
const DROPPED = new Set([
  'script',
  'style',
  'template',
  'iframe',
  'object',
  'embed',
  'noscript',
  'svg',
  'math',
  'head',
  'title',
]);
const SAFE_HREF = /^(https?:|mailto:)/i;

function copy(from: Node, into: Node, doc: Document): void {
  for (const child of Array.from(from.childNodes)) {
    if (child.nodeType === 3) {
      into.appendChild(doc.createTextNode(child.nodeValue ?? ''));
      continue;
    }
    if (child.nodeType !== 1) continue;
    const tag = (child as Element).tagName.toLowerCase();
    if (DROPPED.has(tag)) continue;
    if (!ALLOWED.has(tag)) {
      copy(child, into, doc);
      continue;
    }
    const element = doc.createElement(tag);
    const href = (child as Element).getAttribute('href')?.trim() ?? '';
    if (tag === 'a' && SAFE_HREF.test(href)) {
      element.setAttribute('href', href);
      element.setAttribute('target', '_blank');
      element.setAttribute('rel', 'noopener noreferrer');
    }
    copy(child, element, doc);
    into.appendChild(element);
  }
}

/** Safe nodes for `html`: a string (parsed inert, scripts never run) or a DOM node. */
export function safeNodes(doc: Document, html: unknown): DocumentFragment {
  const out = doc.createDocumentFragment();
  const view = doc.defaultView as (Window & typeof globalThis) | null;
  let source: Node | undefined;
  if (typeof html === 'string' && view) {
    source = new view.DOMParser().parseFromString(html, 'text/html').body;
  } else if (typeof html === 'object' && html !== null && 'nodeType' in html) {
    const node = html as Node;
    source =
      node.nodeType === 1
        ? (() => {
            const holder = doc.createElement('div');
            holder.appendChild(node.cloneNode(true));
            return holder;
          })()
        : node;
  }
  if (source) copy(source, out, doc);
  return out;
}
