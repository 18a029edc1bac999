import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { filterArticles } from '../knowledge';
import { listAllArticles, listBases, type Article, type KnowledgeBase } from '../knowledge_api';
import { ArticleEditor } from './article_editor';
import { KnowledgeStatsPanel } from './knowledge_stats';

type Pane = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; id: number } | { kind: 'stats' };

const problem = (caught: unknown): string =>
  caught instanceof ApiError ? caught.message : 'The server could not be reached.';

function ArticleList({
  articles,
  filter,
  pane,
  onPick,
}: {
  articles: Article[];
  filter: string;
  pane: Pane;
  onPick: (id: number) => void;
}) {
  const shown = useMemo(() => filterArticles(articles, filter), [articles, filter]);
  if (articles.length === 0) return <p class="empty">No articles yet.</p>;
  if (shown.length === 0) return <p class="empty">No title matches “{filter}”.</p>;
  return (
    <ul class="kb-articles" aria-label="Articles">
      {shown.map((article) => {
        const selected = pane.kind === 'edit' && pane.id === article.id;
        return (
          <li key={article.id}>
            <button
              type="button"
              class={`chat-link ${selected ? 'selected' : ''}`}
              aria-current={selected ? 'true' : undefined}
              onClick={() => onPick(article.id)}
            >
              <span class="name">{article.title}</span>
              <span class="meta">
                {article.lang} · {article.views} views
                {article.categories.length > 0 && ` · ${article.categories.join(', ')}`}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** The admins' view of the knowledge bases: their articles, an editor, and the statistics. */
export function KnowledgeView() {
  const [bases, setBases] = useState<KnowledgeBase[] | null>(null);
  const [kbId, setKbId] = useState('');
  const [articles, setArticles] = useState<Article[]>([]);
  const [filter, setFilter] = useState('');
  const [pane, setPane] = useState<Pane>({ kind: 'none' });
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');

  useEffect(() => {
    listBases().then(
      (reply) => {
        setBases(reply.knowledgebases);
        setKbId((current) => current || (reply.knowledgebases[0]?.id ?? ''));
      },
      (caught: unknown) => setError(problem(caught)),
    );
  }, []);

  useEffect(() => {
    if (!kbId) return undefined;
    let current = true;
    setArticles([]);
    listAllArticles(kbId).then(
      (found) => current && setArticles(found),
      (caught: unknown) => current && setError(problem(caught)),
    );
    return () => {
      current = false;
    };
  }, [kbId]);

  const base = bases?.find((kb) => kb.id === kbId);
  const editing = pane.kind === 'edit' ? articles.find((a) => a.id === pane.id) : undefined;
  const show = (next: Pane): void => {
    setPane(next);
    setNotice('');
  };
  const saved = (article: Article, created: boolean): void => {
    setArticles((held) =>
      created ? [...held, article] : held.map((a) => (a.id === article.id ? article : a)),
    );
    if (created)
      setBases(
        (held) =>
          held?.map((kb) => (kb.id === article.kbId ? { ...kb, articles: kb.articles + 1 } : kb)) ??
          null,
      );
    setPane({ kind: 'edit', id: article.id });
    setNotice(created ? 'Article created.' : 'Changes saved.');
  };
  const deleted = (id: number): void => {
    setArticles((held) => held.filter((a) => a.id !== id));
    setBases(
      (held) =>
        held?.map((kb) =>
          kb.id === kbId ? { ...kb, articles: Math.max(0, kb.articles - 1) } : kb,
        ) ?? null,
    );
    setPane({ kind: 'none' });
    setNotice('Article deleted.');
  };

  return (
    <div class="knowledge">
      <nav class="sidebar kb-side" aria-label="Knowledge">
        <label for="kb-base">Knowledge base</label>
        <select
          id="kb-base"
          value={kbId}
          disabled={!bases || bases.length === 0}
          onChange={(event) => {
            setKbId(event.currentTarget.value);
            show({ kind: 'none' });
          }}
        >
          {bases?.map((kb) => (
            <option key={kb.id} value={kb.id}>
              {kb.name} ({kb.articles})
            </option>
          ))}
        </select>
        <label for="kb-filter">Filter by title</label>
        <input
          id="kb-filter"
          type="search"
          value={filter}
          onInput={(event) => setFilter(event.currentTarget.value)}
        />
        <div class="kb-side-actions">
          <button
            type="button"
            class="primary small"
            disabled={!kbId}
            onClick={() => show({ kind: 'new' })}
          >
            New article
          </button>
          <button
            type="button"
            class="ghost"
            aria-pressed={pane.kind === 'stats'}
            onClick={() => show({ kind: 'stats' })}
          >
            Statistics
          </button>
        </div>
        {bases && bases.length === 0 && (
          <p class="empty">No knowledge bases: import one with `frontdesk kb import`.</p>
        )}
        {kbId && (
          <ArticleList
            articles={articles}
            filter={filter}
            pane={pane}
            onPick={(id) => show({ kind: 'edit', id })}
          />
        )}
      </nav>
      <main class="kb-main">
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <p class="kb-notice" role="status">
          {notice}
        </p>
        {pane.kind === 'stats' && <KnowledgeStatsPanel />}
        {pane.kind === 'new' && base && (
          <ArticleEditor
            key={`new-${kbId}`}
            kbId={kbId}
            defaultLang={base.lang}
            article={null}
            onSaved={saved}
            onDeleted={deleted}
          />
        )}
        {editing && base && (
          <ArticleEditor
            key={editing.id}
            kbId={kbId}
            defaultLang={base.lang}
            article={editing}
            onSaved={saved}
            onDeleted={deleted}
          />
        )}
        {pane.kind === 'none' && (
          <div class="placeholder">
            <h1>Knowledge</h1>
            <p>Pick an article to edit it, write a new one, or read what visitors searched for.</p>
          </div>
        )}
      </main>
    </div>
  );
}
