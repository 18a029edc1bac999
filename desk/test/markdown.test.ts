import { describe, expect, it } from 'vitest';
import { inlineText, parseInline, parseMarkdown, safeHref, type Block } from '../src/markdown';

describe('parseMarkdown', () => {
  it('reads headings, paragraphs, lists, quotes, code and rules', () => {
    const blocks = parseMarkdown(
      '# Returns ##\n\nSend it back\nwithin 30 days.\n\n1. Open *My orders*\n2. Pick **Return**\n   the items\n\n- one\n- two\n\n> quoted\n\n```\n<b>code</b>\n```\n\n---',
    );
    expect(blocks.map((b) => b.kind)).toEqual([
      'heading',
      'paragraph',
      'list',
      'list',
      'quote',
      'code',
      'rule',
    ]);
    const [heading, paragraph, ordered, bullets, quote, code] = blocks as [
      Block,
      Block,
      Block,
      Block,
      Block,
      Block,
    ];
    expect(heading).toEqual({
      kind: 'heading',
      level: 1,
      content: [{ kind: 'text', text: 'Returns' }],
    });
    expect(paragraph.kind === 'paragraph' && inlineText(paragraph.content)).toBe(
      'Send it back within 30 days.',
    );
    expect(ordered.kind === 'list' && ordered.ordered && ordered.items.map(inlineText)).toEqual([
      'Open My orders',
      'Pick Return the items',
    ]);
    expect(bullets.kind === 'list' && !bullets.ordered && bullets.items.length).toBe(2);
    expect(quote.kind === 'quote' && quote.blocks).toEqual([
      { kind: 'paragraph', content: [{ kind: 'text', text: 'quoted' }] },
    ]);
    expect(code).toEqual({ kind: 'code', text: '<b>code</b>' });
  });

  it('keeps an ordered list’s start', () => {
    expect(parseMarkdown('3. three\n4. four')[0]).toMatchObject({
      kind: 'list',
      ordered: true,
      start: 3,
    });
  });

  it('leaves raw HTML as text', () => {
    const blocks = parseMarkdown('<img src=x onerror=alert(1)> and <script>alert(1)</script>');
    expect(blocks).toEqual([
      {
        kind: 'paragraph',
        content: [
          { kind: 'text', text: '<img src=x onerror=alert(1)> and <script>alert(1)</script>' },
        ],
      },
    ]);
  });

  it('shows deep quote nesting as text instead of recursing without end', () => {
    const blocks = parseMarkdown(`${'>'.repeat(50_000)} deep`);
    let depth = 0;
    let block: Block | undefined = blocks[0];
    while (block?.kind === 'quote') {
      depth += 1;
      block = block.blocks[0];
    }
    expect(depth).toBe(8);
    expect(block?.kind).toBe('paragraph');
  });

  it('reads a large hostile body quickly', () => {
    const hostile = [
      '**a '.repeat(20_000),
      '*a '.repeat(20_000),
      '['.repeat(20_000),
      '<'.repeat(20_000),
      `x ${'`'.repeat(5_000)}`,
      `# a${' '.repeat(20_000)}b`,
      '_a '.repeat(20_000),
    ].join('\n\n');
    const started = performance.now();
    const blocks = parseMarkdown(hostile);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(blocks.length).toBe(7);
  });
});

describe('parseInline', () => {
  it('reads emphasis, code spans, links, escapes and breaks', () => {
    expect(
      parseInline(
        'a **b** *c* `d*e*` \\*f\\* [g](https://shop.example.test/g) <https://x.example.test>',
      ),
    ).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'strong', children: [{ kind: 'text', text: 'b' }] },
      { kind: 'text', text: ' ' },
      { kind: 'em', children: [{ kind: 'text', text: 'c' }] },
      { kind: 'text', text: ' ' },
      { kind: 'code', text: 'd*e*' },
      { kind: 'text', text: ' *f* ' },
      {
        kind: 'link',
        href: 'https://shop.example.test/g',
        children: [{ kind: 'text', text: 'g' }],
      },
      { kind: 'text', text: ' ' },
      {
        kind: 'link',
        href: 'https://x.example.test',
        children: [{ kind: 'text', text: 'https://x.example.test' }],
      },
    ]);
    expect(parseInline('one  \ntwo')).toEqual([
      { kind: 'text', text: 'one' },
      { kind: 'break' },
      { kind: 'text', text: 'two' },
    ]);
  });

  it('does not treat underscores inside words or unclosed delimiters as emphasis', () => {
    expect(parseInline('snake_case_name and * alone and **open')).toEqual([
      { kind: 'text', text: 'snake_case_name and * alone and **open' },
    ]);
  });

  it('drops the address of a script link but keeps its words', () => {
    expect(parseInline('[click](javascript:alert(1))')[0]).toMatchObject({
      kind: 'link',
      href: null,
    });
    expect(parseInline('[click]( JAVASCRIPT:alert(1) "title")')[0]).toMatchObject({
      kind: 'link',
      href: null,
    });
  });

  it('names an image and links to it instead of loading it', () => {
    expect(parseInline('see ![the desk](/img/desk.png)')).toEqual([
      { kind: 'text', text: 'see ' },
      {
        kind: 'link',
        href: '/img/desk.png',
        children: [
          { kind: 'text', text: 'Image: ' },
          { kind: 'text', text: 'the desk' },
        ],
      },
    ]);
  });
});

describe('safeHref', () => {
  it('allows web, mail and relative addresses only', () => {
    expect(safeHref('https://shop.example.test/a?b#c')).toBe('https://shop.example.test/a?b#c');
    expect(safeHref('mailto:help@example.test')).toBe('mailto:help@example.test');
    expect(safeHref('/returns')).toBe('/returns');
    expect(safeHref('#top')).toBe('#top');
    for (const bad of [
      'javascript:alert(1)',
      ' JaVaScRiPt:alert(1)',
      'java\nscript:alert(1)',
      'data:text/html,x',
      'vbscript:x',
      'http://[bad',
    ]) {
      expect(safeHref(bad)).toBeNull();
    }
  });
});
