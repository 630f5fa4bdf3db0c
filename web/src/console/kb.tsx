// Admin: knowledge-base articles (list, search, create, edit, delete), "try it" and answer feedback.
import { useEffect, useRef, useState } from 'preact/hooks';
import { renderText } from '../shared/markdown';
import { api } from './api';
import type { Strings } from './i18n';

interface Article { id: number; title: string; body: string; questions: string[]; tags: string[]; language: string }
interface Draft { id?: number; title: string; body: string; questions: string; tags: string; language: string }

const toDraft = (a?: Article): Draft => a
  ? { id: a.id, title: a.title, body: a.body, questions: a.questions.join('\n'), tags: a.tags.join(', '), language: a.language }
  : { title: '', body: '', questions: '', tags: '', language: '' };

function TryIt({ t }: { t: Strings }) {
  const [q, setQ] = useState('');
  const [r, setR] = useState<any>(null);
  const run = async (e: Event) => {
    e.preventDefault();
    if (q.trim()) setR(await api(`/api/v1/kb/search?q=${encodeURIComponent(q.trim())}&limit=5`).catch(() => null));
  };
  return (
    <section class="card tryit">
      <h3>{t.tryIt}</h3>
      <form onSubmit={run} class="row">
        <input aria-label={t.tryIt} placeholder={t.tryPlaceholder} value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
        <button type="submit">{t.tryIt}</button>
      </form>
      {r && (
        <div data-testid="try-result">
          <h4>{t.botWould}</h4>
          <div class="bubble bot-answer">{r.bot?.meta?.action === 'answer' ? renderText(r.bot.reply) : t.noAnswer}</div>
          <h4>{t.matches}</h4>
          <ol>{(r.results || []).map((a: any) => <li key={a.id}>{a.title} — {t.score} {a.score.toFixed(2)}</li>)}</ol>
        </div>
      )}
    </section>
  );
}

export function KnowledgeBase({ t, admin }: { t: Strings; admin: boolean }) {
  const [articles, setArticles] = useState<Article[]>([]);
  const [filter, setFilter] = useState('');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const fileRef = useRef<HTMLInputElement>(null);
  const load = () => api<{ articles: Article[] }>('/api/v1/kb/articles').then((r) => setArticles(r.articles), (e) => setError(e.message));
  useEffect(() => { load(); }, []);

  const save = async (e: Event) => {
    e.preventDefault();
    if (!draft) return;
    const body: any = {
      title: draft.title, body: draft.body,
      questions: draft.questions.split('\n').map((s) => s.trim()).filter(Boolean),
      tags: draft.tags.split(/[,，]/).map((s) => s.trim()).filter(Boolean),
    };
    if (draft.language) body.language = draft.language;
    try {
      await api(draft.id ? `/api/v1/kb/articles/${draft.id}` : '/api/v1/kb/articles', { method: draft.id ? 'PUT' : 'POST', body });
      setDraft(null);
      setError('');
      load();
    } catch (err: any) { setError(err.message); }
  };
  const remove = async (a: Article) => {
    if (!confirm(t.confirmDelete)) return;
    await api(`/api/v1/kb/articles/${a.id}`, { method: 'DELETE' }).catch((e) => setError(e.message));
    load();
  };
  // Import: a .md article or a .csv file, read in the browser and posted as text.
  const importFile = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const format = /\.csv$/i.test(file.name) ? 'csv' : 'markdown';
    try {
      const r = await api<{ imported: number }>('/api/v1/kb/import', { method: 'POST', body: { format, content: await file.text() } });
      setError('');
      setNotice(`${t.imported}: ${r.imported}`);
      load();
    } catch (err: any) { setNotice(''); setError(`${file.name}: ${err.message}`); }
  };
  const f = filter.trim().toLowerCase();
  const shown = f ? articles.filter((a) => (a.title + a.body + a.questions.join(' ')).toLowerCase().includes(f)) : articles;
  const field = (k: keyof Draft) => (e: Event) => setDraft({ ...draft!, [k]: (e.target as HTMLInputElement).value });

  return (
    <div class="kb">
      <div class="kb-list">
        <div class="row">
          <input aria-label={t.search} placeholder={t.search} value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
          {admin && <button onClick={() => setDraft(toDraft())}>{t.newArticle}</button>}
          {admin && <button type="button" class="secondary import" onClick={() => fileRef.current?.click()}>{t.importFile}</button>}
          {admin && <input ref={fileRef} type="file" accept=".md,.markdown,.csv,text/markdown,text/csv" onChange={importFile} hidden
            tabIndex={-1} aria-hidden="true" />}
        </div>
        {error && <div class="error" role="alert">{error}</div>}
        {notice && <div class="muted" role="status">{notice}</div>}
        <ul class="articles">
          {shown.map((a) => (
            <li key={a.id}>
              <span class="grow">{a.title} <small>{a.language}</small></span>
              {admin && <button class="secondary" aria-label={`${t.edit} ${a.title}`} onClick={() => setDraft(toDraft(a))}>{t.edit}</button>}
              {admin && <button class="danger" aria-label={`${t.del} ${a.title}`} onClick={() => remove(a)}>{t.del}</button>}
            </li>
          ))}
        </ul>
      </div>
      <div class="kb-side">
        {draft && (
          <form class="card editor" onSubmit={save}>
            <label>{t.title}<input value={draft.title} onInput={field('title')} required maxLength={200} /></label>
            <label>{t.body}<textarea rows={8} value={draft.body} onInput={field('body')} required /></label>
            <div class="preview" aria-label={t.preview}>{renderText(draft.body)}</div>
            <label>{t.questions}<textarea rows={3} value={draft.questions} onInput={field('questions')} /></label>
            <label>{t.tags}<input value={draft.tags} onInput={field('tags')} /></label>
            <label>{t.language}<input value={draft.language} onInput={field('language')} maxLength={8} /></label>
            <div class="row"><button type="submit">{t.save}</button><button type="button" class="secondary" onClick={() => setDraft(null)}>{t.cancel}</button></div>
          </form>
        )}
        <TryIt t={t} />
      </div>
    </div>
  );
}

export function Feedback({ t }: { t: Strings }) {
  const [data, setData] = useState<any>(null);
  useEffect(() => { api('/api/v1/feedback?rating=down').then(setData, () => setData({ feedback: [], ratings: [] })); }, []);
  if (!data) return <div class="pad">…</div>;
  return (
    <div class="pad feedback">
      <h3>{t.thumbsDown}</h3>
      {data.feedback.length === 0 ? <p>{t.none}</p> : (
        <ul>{data.feedback.map((f: any) => (
          <li key={f.message_id} class="card">
            <div>#{f.conversation_id} · {new Date(f.created_at).toLocaleString()}</div>
            <div class="bubble">{renderText(f.content)}</div>
            {f.meta?.sources?.length > 0 && <div class="sources">{t.sources}{f.meta.sources.map((s: any) => s.title).join('、')}</div>}
          </li>
        ))}</ul>
      )}
      <h3>{t.ratings}</h3>
      {data.ratings.length === 0 ? <p>{t.none}</p> : (
        <ul>{data.ratings.map((r: any) => <li key={r.conversation_id}>#{r.conversation_id}: {'★'.repeat(r.score)} {r.comment}</li>)}</ul>
      )}
    </div>
  );
}
