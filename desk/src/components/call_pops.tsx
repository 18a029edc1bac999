import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { CallPop, CallStore, Page } from '../calls';
import { clockTime } from '../time';
import { HistoryList } from './visitor_history';

/** A link only for http(s) addresses; anything else stays plain text. */
function PageLink({ page }: { page: Page }) {
  let safe = false;
  try {
    safe = ['http:', 'https:'].includes(new URL(page.url).protocol);
  } catch {
    safe = false;
  }
  const label = page.title || page.url;
  return safe ? (
    <a href={page.url} target="_blank" rel="noopener noreferrer">
      {label}
    </a>
  ) : (
    <span>{label}</span>
  );
}

function Row({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

const asText = (value: unknown): string =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? '');

function Pop({ pop, store }: { pop: CallPop; store: CallStore }) {
  const { call } = pop;
  const titleId = `call-${call.id}`;
  const mine = call.state === 'taken';
  const extra = Object.entries(call.form).filter(
    ([key]) => !['firstname', 'lastname'].includes(key),
  );
  const userData = Object.entries(call.user_data);
  const none = <span class="none">—</span>;
  return (
    <article class={`call-pop ${mine ? 'taken' : ''}`} role="region" aria-labelledby={titleId}>
      <header>
        <h2 id={titleId}>Call from {call.visitor.name}</h2>
        <p class="sub">
          {mine ? 'You took this call' : 'Calling now'} · queue {call.queue}
          {call.language ? ` · ${call.language}` : ''}
        </p>
      </header>
      <dl>
        <Row label="Calling from">{call.caller_id || 'number withheld'}</Row>
        <Row label="Dialled">{call.number}</Row>
        {extra.map(([key, value]) => (
          <Row key={key} label={key}>
            {value}
          </Row>
        ))}
        <Row label="Site">{call.origin || none}</Row>
        <Row label="Asked at">{clockTime(call.created_at)}</Row>
      </dl>
      {userData.length > 0 && (
        <table class="user-data">
          <caption>User data</caption>
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
      <h3>Pages</h3>
      {call.pages.length === 0 ? (
        <p class="empty">None reported.</p>
      ) : (
        <ol class="pages">
          {call.pages.map((page) => (
            <li key={`${page.at}-${page.url}`}>
              <PageLink page={page} /> <span class="sub">{clockTime(page.at)}</span>
            </li>
          ))}
        </ol>
      )}
      <h3>Chats and calls</h3>
      <HistoryList history={pop.history} />
      {pop.error && (
        <p class="error" role="alert">
          {pop.error}
        </p>
      )}
      <div class="call-actions">
        {!mine && (
          <button
            type="button"
            class="primary small"
            disabled={pop.busy}
            onClick={() => void store.take(call.id)}
          >
            Take call
          </button>
        )}
        <button type="button" class="ghost" onClick={() => store.dismiss(call.id)}>
          {mine ? 'Close' : 'Dismiss'}
        </button>
      </div>
    </article>
  );
}

/** The screen pops of redeemed calls, newest last, over the desk. */
export function CallPops({ store }: { store: CallStore }) {
  const [pops, setPops] = useState(store.pops);
  useEffect(() => store.subscribe(() => setPops(store.pops)), [store]);
  if (pops.length === 0) return null;
  return (
    <section class="call-pops" aria-label="Incoming calls">
      {pops.map((pop) => (
        <Pop key={pop.call.id} pop={pop} store={store} />
      ))}
    </section>
  );
}
