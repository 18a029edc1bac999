import { useState } from 'preact/hooks';
import {
  changedFields,
  draftOf,
  fieldErrors,
  fieldsOf,
  type Draft,
  type DraftField,
  type FieldErrors,
} from '../knowledge';
import { createArticle, deleteArticle, updateArticle, type Article } from '../knowledge_api';
import { MarkdownView } from './markdown_view';

interface Props {
  kbId: string;
  defaultLang: string;
  /** null: a new article. */
  article: Article | null;
  onSaved: (article: Article, created: boolean) => void;
  onDeleted: (id: number) => void;
}

function Field({
  name,
  label,
  hint,
  draft,
  errors,
  onInput,
  multiline,
}: {
  name: DraftField;
  label: string;
  hint?: string;
  draft: Draft;
  errors: FieldErrors;
  onInput: (name: DraftField, value: string) => void;
  multiline?: boolean;
}) {
  const id = `kb-${name}`;
  const problem = errors[name];
  const described =
    [hint ? `${id}-hint` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    value: draft[name],
    'aria-invalid': problem ? true : undefined,
    'aria-describedby': described,
  };
  return (
    <div class="kb-field">
      <label for={id}>{label}</label>
      {multiline ? (
        <textarea
          {...common}
          rows={14}
          spellcheck
          onInput={(event) => onInput(name, event.currentTarget.value)}
        />
      ) : (
        <input
          {...common}
          type="text"
          onInput={(event) => onInput(name, event.currentTarget.value)}
        />
      )}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {problem && (
        <p class="field-error" id={`${id}-error`}>
          {problem}
        </p>
      )}
    </div>
  );
}

/** Create or edit one article; the server checks the fields and its answer is shown beside them. */
export function ArticleEditor({ kbId, defaultLang, article, onSaved, onDeleted }: Props) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(article, defaultLang));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);

  const input = (name: DraftField, value: string): void => {
    setDraft((current) => ({ ...current, [name]: value }));
  };

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const result = article
        ? await updateArticle(article.id, changedFields(article, draft))
        : await createArticle(kbId, fieldsOf(draft));
      onSaved(result, !article);
    } catch (caught) {
      setErrors(fieldErrors(caught));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (): Promise<void> => {
    if (!article) return;
    setBusy(true);
    try {
      await deleteArticle(article.id);
      onDeleted(article.id);
    } catch (caught) {
      setErrors(fieldErrors(caught));
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };

  const fieldProps = { draft, errors, onInput: input };
  return (
    <form
      class="kb-editor"
      aria-label={article ? 'Edit article' : 'New article'}
      onSubmit={(event) => void save(event)}
      noValidate
    >
      <div class="kb-editor-head">
        <h2>{article ? 'Edit article' : 'New article'}</h2>
        {article && (
          <span class="meta">
            {article.views} views · {article.votes.helpful} helpful · {article.votes.unhelpful} not
            helpful
          </span>
        )}
      </div>
      <Field name="title" label="Title" {...fieldProps} />
      <div class="kb-row">
        <Field name="lang" label="Language" hint="A language tag: en, de-AT, …" {...fieldProps} />
        <Field name="categories" label="Categories" hint="Separated by commas" {...fieldProps} />
        <Field name="tags" label="Tags" hint="Separated by commas" {...fieldProps} />
      </div>
      <div class="kb-body">
        <Field name="body" label="Body (Markdown)" multiline {...fieldProps} />
        <section class="kb-preview" aria-label="Preview">
          <h3>Preview</h3>
          <h2 class="kb-preview-title">{draft.title || 'Untitled'}</h2>
          <MarkdownView text={draft.body} />
        </section>
      </div>
      {errors.form && (
        <p class="error" role="alert">
          {errors.form}
        </p>
      )}
      <div class="kb-actions">
        <button type="submit" class="primary" disabled={busy}>
          {article ? 'Save changes' : 'Create article'}
        </button>
        {article && !confirming && (
          <button
            type="button"
            class="danger-outline"
            disabled={busy}
            onClick={() => setConfirming(true)}
          >
            Delete article
          </button>
        )}
        {article && confirming && (
          <span class="confirm" role="group" aria-label="Confirm deletion">
            <span>Delete “{article.title}” with its votes? This cannot be undone.</span>
            <button type="button" class="danger" disabled={busy} onClick={() => void remove()}>
              Delete for good
            </button>
            <button type="button" class="ghost" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </span>
        )}
      </div>
    </form>
  );
}
