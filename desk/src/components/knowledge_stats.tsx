import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { helpfulShare } from '../knowledge';
import { getStats, type KnowledgeStats, type SearchStat } from '../knowledge_api';
import { dateTime } from '../time';

const PERIODS = [7, 30, 90, 365];

function SearchTable({
  id,
  caption,
  rows,
  empty,
}: {
  id: string;
  caption: string;
  rows: SearchStat[];
  empty: string;
}) {
  return (
    <section class="kb-stat" aria-labelledby={id}>
      <h3 id={id}>{caption}</h3>
      {rows.length === 0 ? (
        <p class="empty">{empty}</p>
      ) : (
        <table class="kb-table" aria-labelledby={id}>
          <thead>
            <tr>
              <th scope="col">Search</th>
              <th scope="col">Searches</th>
              <th scope="col">No result</th>
              <th scope="col">“Not found”</th>
              <th scope="col">Last</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.query}>
                <th scope="row" class="query">
                  {row.query}
                </th>
                <td>{row.searches}</td>
                <td>{row.withoutResult}</td>
                <td>{row.notFoundReports}</td>
                <td>{row.lastAt ? dateTime(row.lastAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** What visitors searched for and how they voted, read from the server each time it is shown. */
export function KnowledgeStatsPanel() {
  const [days, setDays] = useState(30);
  const [stats, setStats] = useState<KnowledgeStats | null>(null);
  const [error, setError] = useState('');
  const [round, setRound] = useState(0);

  useEffect(() => {
    let current = true;
    setError('');
    getStats(days).then(
      (reply) => current && setStats(reply),
      (caught: unknown) =>
        current &&
        setError(caught instanceof ApiError ? caught.message : 'The server could not be reached.'),
    );
    return () => {
      current = false;
    };
  }, [days, round]);

  return (
    <section class="kb-stats" aria-labelledby="kb-stats-title">
      <div class="kb-editor-head">
        <h2 id="kb-stats-title">Statistics</h2>
        <label class="inline" for="kb-days">
          Searches of the last
        </label>
        <select
          id="kb-days"
          value={days}
          onChange={(event) => setDays(Number(event.currentTarget.value))}
        >
          {PERIODS.map((n) => (
            <option key={n} value={n}>
              {n} days
            </option>
          ))}
        </select>
        <button type="button" class="ghost" onClick={() => setRound((n) => n + 1)}>
          Refresh
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {stats && (
        <>
          <SearchTable
            id="kb-top"
            caption="Top searches"
            rows={stats.topSearches}
            empty="No searches yet."
          />
          <SearchTable
            id="kb-missing"
            caption="Searches without a result"
            rows={stats.withoutResult}
            empty="Every search found something."
          />
          <section class="kb-stat" aria-labelledby="kb-votes">
            <h3 id="kb-votes">Article votes</h3>
            {stats.votes.length === 0 ? (
              <p class="empty">No votes yet.</p>
            ) : (
              <table class="kb-table" aria-labelledby="kb-votes">
                <thead>
                  <tr>
                    <th scope="col">Article</th>
                    <th scope="col">Helpful</th>
                    <th scope="col">Not helpful</th>
                    <th scope="col">Share</th>
                    <th scope="col">Views</th>
                  </tr>
                </thead>
                <tbody>
                  {stats.votes.map((row) => (
                    <tr key={row.id}>
                      <th scope="row" class="query">
                        {row.title}
                      </th>
                      <td>{row.helpful}</td>
                      <td>{row.unhelpful}</td>
                      <td>{helpfulShare(row.helpful, row.unhelpful)}</td>
                      <td>{row.views}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </section>
  );
}
