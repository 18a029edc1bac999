import type { JSX } from 'preact';
import { parseMarkdown, type Block, type Inline } from '../markdown';

/** Inline pieces as elements; every string is a text child, so nothing in it is ever markup. */
function Pieces({ pieces }: { pieces: readonly Inline[] }) {
  return (
    <>
      {pieces.map((piece, n) => {
        switch (piece.kind) {
          case 'text':
            return piece.text;
          case 'code':
            return <code key={n}>{piece.text}</code>;
          case 'break':
            return <br key={n} />;
          case 'strong':
            return (
              <strong key={n}>
                <Pieces pieces={piece.children} />
              </strong>
            );
          case 'em':
            return (
              <em key={n}>
                <Pieces pieces={piece.children} />
              </em>
            );
          case 'link':
            return piece.href === null ? (
              <span key={n} class="unsafe-link" title="Link removed: not a web address">
                <Pieces pieces={piece.children} />
              </span>
            ) : (
              <a key={n} href={piece.href} target="_blank" rel="noopener noreferrer nofollow">
                <Pieces pieces={piece.children} />
              </a>
            );
        }
      })}
    </>
  );
}

function BlockView({ block }: { block: Block }): JSX.Element {
  switch (block.kind) {
    case 'heading': {
      // Article headings sit below the preview's own heading: h1 becomes h3, and so on.
      const Tag = `h${Math.min(block.level + 2, 6)}` as 'h3';
      return (
        <Tag>
          <Pieces pieces={block.content} />
        </Tag>
      );
    }
    case 'paragraph':
      return (
        <p>
          <Pieces pieces={block.content} />
        </p>
      );
    case 'list': {
      const items = block.items.map((item, n) => (
        <li key={n}>
          <Pieces pieces={item} />
        </li>
      ));
      return block.ordered ? <ol start={block.start}>{items}</ol> : <ul>{items}</ul>;
    }
    case 'quote':
      return (
        <blockquote>
          <Blocks blocks={block.blocks} />
        </blockquote>
      );
    case 'code':
      return (
        <pre>
          <code>{block.text}</code>
        </pre>
      );
    case 'rule':
      return <hr />;
  }
}

function Blocks({ blocks }: { blocks: readonly Block[] }) {
  return (
    <>
      {blocks.map((block, n) => (
        <BlockView key={n} block={block} />
      ))}
    </>
  );
}

/** The article's Markdown, rendered from text only (see markdown.ts). */
export function MarkdownView({ text }: { text: string }) {
  return (
    <div class="markdown">
      <Blocks blocks={parseMarkdown(text)} />
    </div>
  );
}
