// Inbox: conversation lists by tab, the thread, the customer sidebar, claim / reply / resolve.
import { useEffect, useRef, useState } from 'preact/hooks';
import { renderText } from '../shared/markdown';
import { mergeMessages, type Conversation, type Message } from '../shared/types';
import { api } from './api';
import type { Strings } from './i18n';

export type Tab = 'queued' | 'mine' | 'open' | 'resolved';
export interface User { id: number; name: string; email: string; role: string; active?: boolean }

export function inTab(c: Conversation, tab: Tab, me: User): boolean {
  if (tab === 'queued') return c.status === 'queued';
  if (tab === 'mine') return c.status === 'assigned' && c.assignee_id === me.id;
  if (tab === 'open') return c.status !== 'resolved';
  return c.status === 'resolved';
}

// True while the user types in a form field; single-key shortcuts are ignored then (except Esc).
export function isTyping(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}
export const plainKey = (e: KeyboardEvent) => !e.ctrlKey && !e.metaKey && !e.altKey && !e.defaultPrevented;

export const tabQuery: Record<Tab, string> = {
  queued: 'status=queued', mine: 'status=assigned&assignee=me', open: 'status=open', resolved: 'status=resolved',
};

interface Canned { id: number; shortcut: string; content: string }

interface Detail extends Conversation { contact?: any; messages: Message[] }
interface Assist { summary: string; drafts: { text: string; sources: { id: number; title: string }[] }[]; by: 'llm' | 'extractive'; note?: string }

// One answer's trace (GET /api/v1/messages/{id}/trace), for admins.
function TraceView({ trace, t }: { trace: any; t: Strings }) {
  const tools: any[] = trace.tool_calls || [];
  const passages: any[] = trace.passages || [];
  const prompt: any[] = trace.prompt || [];
  return (
    <div class="trace" data-testid="trace">
      <div><strong>{trace.kind}</strong>{trace.playbook && ` · ${trace.playbook}`}{trace.chosen_by && ` (${trace.chosen_by})`}
        {trace.elapsed_ms !== undefined && ` · ${trace.elapsed_ms} ms`}{trace.fallback && ` · ${t.fallback}: ${trace.fallback}`}</div>
      {passages.length > 0 && <div>{t.sources}{passages.map((p) => `${p.title} (${Number(p.score).toFixed(1)})`).join('、')}</div>}
      {tools.length > 0 && (
        <ul>{tools.map((c, i) => (
          <li key={i}><code>{c.tool}</code> {c.ok === undefined ? '' : c.ok ? '✓' : '✗'} {c.http_status ?? ''}
            {c.elapsed_ms !== undefined && ` · ${c.elapsed_ms} ms`} {c.error ? ` · ${c.error}` : ''}</li>
        ))}</ul>
      )}
      {(trace.transcript || []).length > 0 && <div class="steps">{(trace.transcript as string[]).join(' → ')}</div>}
      {prompt.length > 0 && (
        <details><summary>{t.prompt} ({prompt.length})</summary>
          {prompt.map((p, i) => <pre key={i}><b>{p.role}</b>: {p.content}</pre>)}
        </details>
      )}
      <details><summary>JSON</summary><pre>{JSON.stringify(trace, null, 2)}</pre></details>
    </div>
  );
}

// The language a text is written in, as the server tells them apart: Chinese if it has Han characters.
const langOf = (text: string): 'zh' | 'en' => (/[\u4e00-\u9fff]/.test(text) ? 'zh' : 'en');

export function ConversationView({ id, t, me, live, typing, lang }: { id: number; t: Strings; me: User; live: Message[]; typing: boolean; lang: 'zh' | 'en' }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [contact, setContact] = useState<any>(null);
  const [reply, setReply] = useState('');
  const [error, setError] = useState('');
  const [agents, setAgents] = useState<User[]>([]);
  const [canned, setCanned] = useState<Canned[]>([]);
  const [pick, setPick] = useState(0);
  const [assist, setAssist] = useState<Assist | null>(null);
  // Translation (needs an LLM on the server): customer messages shown in the agent's language,
  // replies sent in the customer's.
  const [translations, setTranslations] = useState<Record<number, string>>({});
  const [translating, setTranslating] = useState(false);
  const [sendTranslated, setSendTranslated] = useState(false);
  // Admins: why the bot answered as it did (playbook steps, tool calls, the LLM prompt, timings).
  const [trace, setTrace] = useState<{ id: number; trace: any } | null>(null);
  const showTrace = async (mid: number) => {
    if (trace?.id === mid) { setTrace(null); return; }
    setError('');
    try { setTrace({ id: mid, trace: (await api<{ trace: any }>(`/api/v1/messages/${mid}/trace`)).trace }); }
    catch (e: any) { setError(e.message); }
  };
  const logRef = useRef<HTMLDivElement>(null);
  const lastTyping = useRef(0);
  const replyRef = useRef<HTMLTextAreaElement>(null);

  const load = async () => {
    const d = await api<Detail>(`/api/v1/conversations/${id}`);
    setDetail(d);
    // A conversation waiting for a person opens with the assist panel (summary + drafts).
    if (d.status === 'queued') api<Assist>(`/api/v1/conversations/${id}/assist`, { method: 'POST', body: {} }).then(setAssist, () => {});
    api(`/api/v1/contacts/${d.contact_id}`).then(setContact, () => setContact(null));
  };
  useEffect(() => { setDetail(null); setReply(''); setAssist(null); setTranslations({}); setTranslating(false); load().catch((e) => setError(e.message)); }, [id]);
  useEffect(() => {
    api<{ agents: User[] }>('/api/v1/agents').then((r) => setAgents(r.agents), () => setAgents([]));
    api<{ canned_replies: Canned[] }>('/api/v1/canned_replies').then((r) => setCanned(r.canned_replies), () => setCanned([]));
  }, []);
  // Typing "/" (then part of a shortcut) as the whole reply opens the canned-reply list.
  const slash = /^\/(\S*)$/.exec(reply);
  const matches = slash ? canned.filter((c) => c.shortcut.toLowerCase().includes(slash[1].toLowerCase()) ||
    c.content.includes(slash[1])).slice(0, 8) : [];
  const insert = (c: Canned) => { setReply(c.content); setPick(0); };
  const messages = detail ? mergeMessages(detail.messages, live.filter((m) => m.conversation_id === id)) : [];
  useEffect(() => { if (logRef.current) logRef.current.scrollTop = logRef.current.scrollHeight; }, [messages.length, typing]);

  const act = async (path: string, body?: unknown) => {
    setError('');
    try {
      await api(`/api/v1/conversations/${id}/${path}`, { method: 'POST', body: body ?? {} });
      await load();
    } catch (e: any) { setError(e.message); }
  };
  const lastCustomer = [...messages].reverse().find((m) => m.sender_type === 'contact');
  const customerLang = lastCustomer ? langOf(lastCustomer.content) : lang;
  const foreign = customerLang !== lang;
  const translate = async () => {
    setError('');
    try {
      const r = await api<{ translations: { message_id: number; text: string }[] }>(`/api/v1/conversations/${id}/translate`, { method: 'POST', body: { target: lang } });
      setTranslations(Object.fromEntries(r.translations.map((x) => [x.message_id, x.text])));
      setTranslating(true);
      setSendTranslated(true);
    } catch (e: any) { setError(e.message); }
  };
  // New customer messages while translation is on are translated too.
  useEffect(() => {
    if (translating && messages.some((m) => m.sender_type === 'contact' && langOf(m.content) !== lang && !(m.id in translations))) translate();
  }, [messages.length]);
  const send = async () => {
    const content = reply.trim();
    if (!content) return;
    setReply('');
    await act('messages', foreign && sendTranslated ? { content, translate_to: customerLang } : { content });
  };
  // Agent assist: a summary and reply drafts (by the LLM when configured, else from the knowledge base).
  const suggest = async () => {
    setError('');
    try {
      const r = await api<Assist>(`/api/v1/conversations/${id}/assist`, { method: 'POST', body: {} });
      setAssist(r);
      if (r.drafts[0] && !reply.trim()) setReply(r.drafts[0].text);
    } catch (e: any) { setError(e.message); }
  };
  const onKey = (e: KeyboardEvent) => {
    if (matches.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setPick((p) => (p + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); insert(matches[Math.min(pick, matches.length - 1)]); return; }
      if (e.key === 'Escape') { e.preventDefault(); setReply(''); return; }
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(); return; }
    const now = Date.now();
    if (now - lastTyping.current > 2500) {
      lastTyping.current = now;
      window.dispatchEvent(new CustomEvent('lingxi-typing', { detail: id }));
    }
  };

  const canClaim = !!detail && (detail.status === 'queued' || detail.status === 'bot' || (detail.status === 'assigned' && detail.assignee_id !== me.id));
  const canResolve = !!detail && (messages.length ? detail.status : 'bot') !== 'resolved';
  // Shortcuts for the open conversation: c claim, e resolve, r reply box, s suggest, Esc leave the reply box.
  const keys = useRef<(e: KeyboardEvent) => void>(() => {});
  keys.current = (e: KeyboardEvent) => {
    if (!plainKey(e)) return;
    if (e.key === 'Escape') { if (document.activeElement === replyRef.current) replyRef.current?.blur(); return; }
    if (isTyping(e) || document.querySelector('.help-overlay')) return;
    if (e.key === 'c' && canClaim) { e.preventDefault(); act('assign'); }
    else if (e.key === 'e' && canResolve) { e.preventDefault(); act('resolve'); }
    else if (e.key === 'r') { e.preventDefault(); replyRef.current?.focus(); }
    else if (e.key === 's') { e.preventDefault(); suggest(); }
  };
  useEffect(() => {
    const h = (e: KeyboardEvent) => keys.current(e);
    window.addEventListener('keydown', h);
    return () => window.removeEventListener('keydown', h);
  }, []);

  if (!detail) return <div class="thread empty">{error || '…'}</div>;
  const status = messages.length && detail ? detail.status : 'bot';
  return (
    <div class="convo">
      <div class="thread">
        <div class="thread-head">
          <strong>#{detail.id}</strong>
          <span class={`pill ${detail.status}`}>{t.status[detail.status]}</span>
          <span class="grow" />
          {canClaim && <button title={`${t.claim} (c)`} onClick={() => act('assign')}>{t.claim}</button>}
          {detail.status !== 'resolved' && agents.length > 1 && (
            <select aria-label={t.transfer} value="" onChange={(e) => {
              const v = Number((e.target as HTMLSelectElement).value);
              if (v) act('assign', { assignee_id: v });
            }}>
              <option value="">{t.transfer}…</option>
              {agents.filter((a) => a.id !== detail.assignee_id).map((a) => <option key={a.id} value={a.id}>{a.name}{a.id === me.id ? ` (${t.me})` : ''}</option>)}
            </select>
          )}
          {foreign && <button class="secondary" onClick={() => (translating ? setTranslating(false) : translate())}>{translating ? t.showOriginal : t.translate}</button>}
          {status !== 'resolved' && <button title={`${t.resolve} (e)`} onClick={() => act('resolve')}>{t.resolve}</button>}
        </div>
        {detail.handoff_summary && (
          <div class="summary" aria-label={t.handoff}><strong>{t.handoff}</strong><div>{renderText(detail.handoff_summary)}</div></div>
        )}
        {assist && (
          <div class="summary assist" aria-label={t.assist} data-by={assist.by}>
            <strong>{t.assist} · {assist.by === 'llm' ? t.byLlm : t.byKb}</strong>
            {assist.summary && <div>{renderText(assist.summary)}</div>}
            <ol class="drafts">
              {assist.drafts.map((d, i) => (
                <li key={i}><button class="link" title={t.useDraft} onClick={() => setReply(d.text)}>{d.text}</button>
                  {d.sources.length > 0 && <span class="sources"> {t.sources}{d.sources.map((s) => s.title).join('、')}</span>}</li>
              ))}
            </ol>
          </div>
        )}
        <div class="messages" ref={logRef} role="log" aria-label={t.inbox}>
          {messages.map((m) => (
            <div key={m.id} class={`msg ${m.sender_type}`} data-sender={m.sender_type}>
              <div class="who">{m.sender_type === 'agent' && m.meta?.agent_name ? m.meta.agent_name : t[m.sender_type]}
                <span class="time">{new Date(m.created_at_ms).toLocaleTimeString()}</span></div>
              <div class="bubble">{renderText(m.content)}</div>
              {translating && translations[m.id] && <div class="translation" data-testid="translation">{translations[m.id]}</div>}
              {m.meta?.original && <div class="translation">{t.original}: {m.meta.original}</div>}
              {me.role === 'admin' && m.sender_type === 'bot' && (m.meta?.playbook || m.meta?.llm || m.meta?.fallback) && (
                <button class="link trace-link" onClick={() => showTrace(m.id)}>{trace?.id === m.id ? t.hideTrace : t.trace}</button>
              )}
              {trace?.id === m.id && <TraceView trace={trace.trace} t={t} />}
              {m.sender_type === 'bot' && (m.meta?.sources?.length ?? 0) > 0 && (
                <div class="sources">{t.sources}{m.meta!.sources!.map((s) => `${s.title} (${s.score.toFixed(1)})`).join('、')}
                  {m.meta?.confidence !== undefined && ` · ${Math.round(m.meta.confidence * 100)}%`}</div>
              )}
            </div>
          ))}
          {typing && <div class="typing">{t.contact} …</div>}
        </div>
        {error && <div class="error" role="alert">{error}</div>}
        <div class="composer">
          {matches.length > 0 && (
            <ul class="canned" role="listbox" aria-label={t.canned}>
              {matches.map((c, i) => (
                <li key={c.id} role="option" aria-selected={i === Math.min(pick, matches.length - 1)}
                  class={i === Math.min(pick, matches.length - 1) ? 'active' : ''} onMouseDown={(e) => { e.preventDefault(); insert(c); }}>
                  <strong>/{c.shortcut}</strong> <span>{c.content}</span>
                </li>
              ))}
            </ul>
          )}
          <textarea ref={replyRef} title={`${t.reply} (r)`} aria-label={t.reply} value={reply} placeholder={`${t.reply} (Ctrl+Enter)`}
            onInput={(e) => { setReply((e.target as HTMLTextAreaElement).value); setPick(0); }} onKeyDown={onKey} />
          <div class="composer-actions">
            {foreign && (
              <label class="inline"><input type="checkbox" checked={sendTranslated} onChange={(e) => setSendTranslated((e.target as HTMLInputElement).checked)} />
                {' '}{customerLang === 'zh' ? t.sendInZh : t.sendInEn}</label>
            )}
            <button class="secondary" title={`${t.suggest} (s)`} onClick={suggest}>{t.suggest}</button>
            <button title={`${t.send} (Ctrl+Enter)`} onClick={send} disabled={!reply.trim()}>{t.send}</button>
          </div>
        </div>
      </div>
      <aside class="sidebar" aria-label={t.customer}>
        <h3>{t.customer}</h3>
        {contact ? (
          <>
            <div class="contact-name">{contact.name || `#${contact.id}`}</div>
            {contact.email && <div>{contact.email}</div>}
            <h4>{t.identities}</h4>
            <ul>{(contact.identities || []).map((i: any) => <li key={i.id}>{i.channel}: {i.external_id}</li>)}</ul>
            <h4>{t.history}</h4>
            <ul>{(contact.conversations || []).map((c: any) => <li key={c.id}>#{c.id} · {t.status[c.status]}</li>)}</ul>
          </>
        ) : '…'}
      </aside>
    </div>
  );
}
