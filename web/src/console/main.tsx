// The agent + admin console at /console.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Conversation, Message } from '../shared/types';
import { api, connectEvents } from './api';
import { initialLang, strings } from './i18n';
import { ConversationView, inTab, isTyping, plainKey, tabQuery, type Tab, type User } from './inbox';
import { beep } from './sound';
import { Agents } from './agents';
import { Automation } from './automation';
import { Inboxes } from './inboxes';
import { Feedback, KnowledgeBase } from './kb';
import { css } from './styles';

type Page = 'inbox' | 'kb' | 'feedback' | 'agents' | 'inboxes' | 'automation';
const TABS: Tab[] = ['queued', 'mine', 'open', 'resolved'];

function Login({ t, onLogin }: { t: (typeof strings)['zh']; onLogin: (u: User) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await api<{ user: User }>('/api/v1/auth/login', { method: 'POST', body: { email, password, session: 'cookie' } });
      onLogin(r.user);
    } catch { setError(t.loginFailed); }
  };
  return (
    <form class="login card" onSubmit={submit}>
      <h1>{t.product}</h1>
      <label>{t.email}<input type="email" autoComplete="username" value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} required /></label>
      <label>{t.password}<input type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} required /></label>
      {error && <div class="error" role="alert">{error}</div>}
      <button type="submit">{t.login}</button>
    </form>
  );
}

function App() {
  const [lang, setLang] = useState(initialLang());
  const t = strings[lang];
  const [me, setMe] = useState<User | null | undefined>(undefined);
  const [page, setPage] = useState<Page>('inbox');
  const [tab, setTab] = useState<Tab>('queued');
  const [convs, setConvs] = useState<Map<number, Conversation>>(new Map());
  const [selected, setSelected] = useState<number | null>(null);
  const [live, setLive] = useState<Message[]>([]);
  const [unread, setUnread] = useState<Record<number, number>>({});
  const [typing, setTyping] = useState<Record<number, number>>({});
  const [online, setOnline] = useState(true);
  const [alerts, setAlerts] = useState(false);
  const [help, setHelp] = useState(false);
  const selectedRef = useRef<number | null>(null);
  selectedRef.current = selected;
  const alertsRef = useRef(alerts);
  alertsRef.current = alerts;
  const convsRef = useRef(convs);
  convsRef.current = convs;

  useEffect(() => { api<{ user: User }>('/api/v1/auth/me').then((r) => setMe(r.user), () => setMe(null)); }, []);
  useEffect(() => { localStorage.setItem('lingxi:console-lang', lang); document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'; }, [lang]);

  const upsert = (list: Conversation[]) => setConvs((old) => {
    const m = new Map(old);
    for (const c of list) m.set(c.id, c);
    return m;
  });
  const refresh = () => Promise.all(TABS.map((tb) => api<{ conversations: Conversation[] }>(`/api/v1/conversations?${tabQuery[tb]}&limit=100`)
    .then((r) => upsert(r.conversations)))).catch(() => {});

  useEffect(() => {
    if (!me) return;
    refresh();
    const sock = connectEvents((e) => {
      if (e.type === 'conversation') {
        // Alert: a conversation that newly entered the queue.
        if (alertsRef.current && e.conversation.status === 'queued' && convsRef.current.get(e.conversation.id)?.status !== 'queued') beep();
        upsert([e.conversation]);
      } else if (e.type === 'message') {
        setLive((l) => [...l.slice(-500), e.message]);
        if (e.conversation_id !== selectedRef.current && e.message.sender_type === 'contact') {
          if (alertsRef.current) beep();
          setUnread((u) => ({ ...u, [e.conversation_id]: (u[e.conversation_id] || 0) + 1 }));
        }
        if (e.message.sender_type === 'contact') setTyping((ty) => ({ ...ty, [e.conversation_id]: 0 }));
      } else if (e.type === 'typing') setTyping((ty) => ({ ...ty, [e.conversation_id]: Date.now() }));
    }, refresh, setOnline);
    const onTyping = (ev: Event) => sock.send({ type: 'typing', conversation_id: (ev as CustomEvent).detail });
    window.addEventListener('lingxi-typing', onTyping);
    return () => { sock.stop(); window.removeEventListener('lingxi-typing', onTyping); };
  }, [me]);

  const totalUnread = Object.values(unread).reduce((a, b) => a + b, 0);
  const queuedCount = me ? [...convs.values()].filter((c) => inTab(c, 'queued', me)).length : 0;
  useEffect(() => {
    document.title = `${totalUnread ? `(${totalUnread}) ` : ''}${t.product}`;
  }, [totalUnread, t]);

  // Keyboard shortcuts (see the "?" overlay). Single keys are ignored while typing in a field.
  const keys = useRef<(e: KeyboardEvent) => void>(() => {});
  keys.current = (e: KeyboardEvent) => {
    if (!me || !plainKey(e)) return;
    if (e.key === 'Escape') { if (help) { e.preventDefault(); setHelp(false); } return; }
    if (isTyping(e)) return;
    if (e.key === '?') { e.preventDefault(); setHelp(!help); return; }
    if (help || page !== 'inbox') return;
    const n = Number(e.key);
    if (n >= 1 && n <= TABS.length && e.key.length === 1) { e.preventDefault(); setTab(TABS[n - 1]); return; }
    if (e.key === 'j' || e.key === 'k') {
      e.preventDefault();
      const ids = [...document.querySelectorAll<HTMLElement>('.convs button[data-conversation]')].map((b) => Number(b.dataset.conversation));
      if (!ids.length) return;
      const i = selected === null ? -1 : ids.indexOf(selected);
      const next = i < 0 ? (e.key === 'j' ? 0 : ids.length - 1) : Math.max(0, Math.min(ids.length - 1, i + (e.key === 'j' ? 1 : -1)));
      open(ids[next]);
      document.querySelector<HTMLElement>(`.convs button[data-conversation="${ids[next]}"]`)?.scrollIntoView({ block: 'nearest' });
    }
  };
  useEffect(() => {
    const h = (e: KeyboardEvent) => keys.current(e);
    window.addEventListener('keydown', h);
    return () => window.removeEventListener('keydown', h);
  }, []);
  const open = (id: number) => { setSelected(id); setUnread((u) => ({ ...u, [id]: 0 })); };

  if (me === undefined) return <div class="pad">…</div>;
  if (me === null) return <Login t={t} onLogin={setMe} />;

  const list = [...convs.values()].filter((c) => inTab(c, tab, me)).sort((a, b) => b.last_message_at.localeCompare(a.last_message_at) || b.id - a.id);
  const logout = async () => { await api('/api/v1/auth/logout', { method: 'POST', body: {} }).catch(() => {}); setMe(null); };

  return (
    <div class="app">
      <header class="top">
        <strong>{t.product}</strong>
        <nav role="tablist" aria-label="pages">
          {(['inbox', 'kb', 'feedback', ...(me.role === 'admin' ? ['agents', 'inboxes', 'automation'] : [])] as Page[]).map((p) => (
            <button role="tab" aria-selected={page === p} class={page === p ? 'active' : ''} onClick={() => setPage(p)}>{t[p]}</button>
          ))}
        </nav>
        <span class="grow" />
        <span class={`dot ${online ? 'on' : 'off'}`} title={online ? t.online : t.offline}>{online ? t.online : t.offline}</span>
        <label class="check"><input type="checkbox" checked={alerts} onChange={() => setAlerts(!alerts)} />{t.sound}</label>
        <button class="secondary" title={`${t.shortcuts} (?)`} aria-label={t.shortcuts} onClick={() => setHelp(!help)}>?</button>
        <button class="secondary" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>{lang === 'zh' ? 'English' : '中文'}</button>
        <span>{me.name}</span>
        <button class="secondary" onClick={logout}>{t.logout}</button>
      </header>
      {page === 'inbox' && (
        <div class="inbox">
          <div class="list">
            <div role="tablist" class="tabs">
              {TABS.map((tb) => (
                <button role="tab" aria-selected={tab === tb} class={tab === tb ? 'active' : ''} title={`${t[tb]} (${TABS.indexOf(tb) + 1})`} onClick={() => setTab(tb)}>
                  {t[tb]}{tb === 'queued' && queuedCount ? ` (${queuedCount})` : ''}
                </button>
              ))}
            </div>
            <ul class="convs" aria-label={t[tab]}>
              {list.length === 0 && <li class="muted">{t.empty}</li>}
              {list.map((c) => (
                <li key={c.id}>
                  <button class={`conv ${selected === c.id ? 'selected' : ''}`} data-conversation={c.id} onClick={() => open(c.id)}>
                    <span class="conv-top"><strong>#{c.id}</strong><span class={`pill ${c.status}`}>{t.status[c.status]}</span>
                      {unread[c.id] ? <span class="badge" aria-label="unread">{unread[c.id]}</span> : null}</span>
                    <span class="preview">{c.last_message_preview}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
          {selected ? (
            <ConversationView key={`${selected}:${convs.get(selected)?.status}:${convs.get(selected)?.assignee_id}`} id={selected} t={t} me={me} lang={lang}
              live={live} typing={Date.now() - (typing[selected] || 0) < 4000} />
          ) : <div class="thread empty">{t.select}</div>}
        </div>
      )}
      {help && (
        <div class="help-overlay" onClick={() => setHelp(false)}>
          <div class="card" role="dialog" aria-modal="true" aria-label={t.shortcuts} onClick={(e) => e.stopPropagation()}>
            <h3>{t.shortcuts}</h3>
            <table><tbody>{t.keys.map(([k, what]) => <tr key={k}><td><kbd>{k}</kbd></td><td>{what}</td></tr>)}</tbody></table>
            <button class="secondary" onClick={() => setHelp(false)}>{t.close}</button>
          </div>
        </div>
      )}
      {page === 'kb' && <KnowledgeBase t={t} admin={me.role === 'admin'} />}
      {page === 'feedback' && <Feedback t={t} />}
      {page === 'agents' && me.role === 'admin' && <Agents t={t} me={me} />}
      {page === 'inboxes' && me.role === 'admin' && <Inboxes t={t} />}
      {page === 'automation' && me.role === 'admin' && <Automation t={t} lang={lang} />}
    </div>
  );
}

const style = document.createElement('style');
style.textContent = css;
document.head.appendChild(style);
render(<App />, document.getElementById('app')!);
