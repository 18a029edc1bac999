import type { ComponentChildren } from 'preact';
import type { Conversation } from '../api';
import { visitorName } from '../threads';
import { VisitorHistory } from './visitor_history';

/** A link only for http(s) addresses; anything else (javascript:, data:) stays plain text. */
function SafeUrl({ url }: { url: string }) {
  let safe = false;
  try {
    safe = ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    safe = false;
  }
  return safe ? (
    <a href={url} target="_blank" rel="noopener noreferrer">
      {url}
    </a>
  ) : (
    <span>{url}</span>
  );
}

function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

const asText = (value: unknown): string =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? '');

export function VisitorContext({ conversation }: { conversation: Conversation }) {
  const { visitor, context } = conversation;
  const userData = Object.entries(context.user_data);
  const none = <span class="none">—</span>;
  return (
    <aside class="context" aria-labelledby="context-title">
      <h2 id="context-title">Visitor</h2>
      <p class="visitor-name">{visitorName(conversation)}</p>
      <dl>
        <Field label="E-mail">{visitor.email || none}</Field>
        <Field label="Subject">{visitor.subject || none}</Field>
        <Field label="Page">
          {context.page_title && <span class="page-title">{context.page_title}</span>}
          {context.page_url ? <SafeUrl url={context.page_url} /> : none}
        </Field>
        <Field label="Referrer">
          {context.referrer ? <SafeUrl url={context.referrer} /> : none}
        </Field>
        <Field label="Browser">{context.browser || none}</Field>
        <Field label="Language">{context.language || none}</Field>
        <Field label="Transport">{conversation.transport}</Field>
        <Field label="Site">{conversation.origin || none}</Field>
      </dl>
      <h3>User data</h3>
      {userData.length === 0 ? (
        <p class="empty">None sent.</p>
      ) : (
        <table class="user-data">
          <caption class="visually-hidden">User data sent by the widget</caption>
          <tbody>
            {userData.map(([key, value]) => (
              <tr key={key}>
                <th scope="row">{key}</th>
                <td>{asText(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <VisitorHistory conversationId={conversation.id} />
    </aside>
  );
}
