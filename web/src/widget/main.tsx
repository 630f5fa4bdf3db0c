// The embeddable chat widget. Loaded by
//   <script src="https://HOST/widget.js" data-inbox="TOKEN" [data-lang="zh|en"] async></script>
// It mounts a launcher and a chat panel inside a Shadow DOM so the host page's styles
// cannot affect it (and it cannot affect the page).
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { renderText } from '../shared/markdown';
import type { Message, Status } from '../shared/types';
import { ChatClient, type Contact } from './client';
import { pickLang, strings, type Strings } from './i18n';
import { css } from './styles';

interface Props {
  base: string; inbox: string; t: Strings;
  contact: Contact;
}

function Bubble({ m, t, vote, onVote }: { m: Message; t: Strings; vote?: 'up' | 'down'; onVote: (r: 'up' | 'down') => void }) {
  const who = m.sender_type === 'bot' ? t.bot : m.sender_type === 'agent' ? (m.meta?.agent_name ? `${t.agent} · ${m.meta.agent_name}` : t.agent)
    : m.sender_type === 'contact' ? t.you : '';
  const sources = m.sender_type === 'bot' ? (m.meta?.sources || []) : [];
  const answered = m.sender_type === 'bot' && m.meta?.action === 'answer';
  return (
    <li class={`row ${m.sender_type}`} data-sender={m.sender_type} data-id={m.id}>
      {who && <span class="who">{who}</span>}
      <div class="bubble">{renderText(m.content)}</div>
      {sources.length > 0 && <div class="sources">{t.sources}{sources.map((s) => s.title).join('、')}</div>}
      {answered && (
        <div class="thumbs">
          <button type="button" aria-label={t.helpful} aria-pressed={vote === 'up'} onClick={() => onVote('up')}>👍</button>
          <button type="button" aria-label={t.notHelpful} aria-pressed={vote === 'down'} onClick={() => onVote('down')}>👎</button>
        </div>
      )}
    </li>
  );
}

function Widget({ base, inbox, t, contact }: Props) {
  const [open, setOpen] = useState(false);
  const [messages, setMessages] = useState<Message[]>([]);
  const [pending, setPending] = useState<string[]>([]);
  const [status, setStatus] = useState<Status>('bot');
  const [typing, setTyping] = useState('');
  const [draft, setDraft] = useState('');
  const [online, setOnline] = useState(true);
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [votes, setVotes] = useState<Record<number, 'up' | 'down'>>({});
  const [rated, setRated] = useState(false);
  const logRef = useRef<HTMLOListElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const typingTimer = useRef<number>();
  const lastTypingSent = useRef(0);

  const client = useMemo(() => new ChatClient(base, inbox, {
    onMessages: (all) => {
      setMessages(all);
      // A stored copy of a message we are still sending replaces its placeholder.
      setPending((p) => p.filter((c) => !all.some((m) => m.sender_type === 'contact' && m.content === c && m.created_at_ms > Date.now() - 60000)));
    },
    onStatus: (s) => { setStatus(s); if (s !== 'resolved') setRated(false); },
    onTyping: (who) => {
      setTyping(who);
      clearTimeout(typingTimer.current);
      if (who) typingTimer.current = window.setTimeout(() => setTyping(''), 4000);
    },
    onConnection: setOnline,
    onDraft: setDraft,
  }, contact), [base, inbox]);

  useEffect(() => { client.resume(); }, [client]);
  useEffect(() => { if (open) inputRef.current?.focus(); }, [open]);
  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages, pending, typing, open]);

  const send = async () => {
    const content = text.trim();
    if (!content) return;
    setText('');
    setError('');
    setPending((p) => [...p, content]);
    if (status === 'bot') setTyping('bot');
    try {
      await client.send(content);
    } catch {
      setError(t.failed);
      setText(content);
    } finally {
      setPending((p) => p.filter((c) => c !== content));
      setTyping((w) => (w === 'bot' ? '' : w));
    }
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); return; }
    if (e.key === 'Escape') { setOpen(false); return; }
    const now = Date.now();
    if (now - lastTypingSent.current > 2500) { lastTypingSent.current = now; client.sendTyping(); }
  };
  const vote = (id: number, r: 'up' | 'down') => {
    setVotes((v) => ({ ...v, [id]: r }));
    client.feedback(id, r).catch(() => setError(t.failed));
  };
  const rate = (n: number) => client.rate(n).then(() => setRated(true), () => setError(t.failed));

  const banner = !online ? { cls: '', text: t.offline } : status === 'queued' ? { cls: '', text: t.queued }
    : status === 'assigned' ? { cls: 'ok', text: t.assigned } : null;
  const typingText = typing === 'bot' ? `${t.bot} ${t.typing}` : typing === 'agent' ? `${t.agent} ${t.typing}` : '';

  return (
    <div>
      {open && (
        <section class="panel" role="dialog" aria-label={t.title}>
          <div class="head">
            <h2>{t.title}</h2>
            <button type="button" aria-label={t.close} onClick={() => setOpen(false)}>×</button>
          </div>
          {banner && <div class={`banner ${banner.cls}`} role="status" data-status={status}>{banner.text}</div>}
          <ol class="log" ref={logRef} aria-live="polite" style="list-style:none;margin:0">
            <li class="row bot"><span class="who">{t.bot}</span><div class="bubble">{t.welcome}</div></li>
            {messages.map((m) => <Bubble key={m.id} m={m} t={t} vote={votes[m.id]} onVote={(r) => vote(m.id, r)} />)}
            {pending.map((c, i) => (
              <li key={`p${i}`} class="row contact pending"><div class="bubble">{c}</div></li>
            ))}
            {draft && <li class="row bot draft"><span class="who">{t.bot}</span><div class="bubble">{draft}</div></li>}
          </ol>
          <div class="typing" aria-live="polite">{typingText}</div>
          {status === 'resolved' && (
            <div class="rating">
              {rated ? <span role="status">{t.thanks}</span> : (
                <>
                  <span>{t.resolved}</span>
                  <div class="stars">
                    {[1, 2, 3, 4, 5].map((n) => (
                      <button type="button" key={n} aria-label={t.rate(n)} onClick={() => rate(n)}>★</button>
                    ))}
                  </div>
                </>
              )}
            </div>
          )}
          {status === 'bot' && (
            <div class="actions">
              <button type="button" onClick={() => client.handoff().catch(() => setError(t.failed))}>{t.human}</button>
            </div>
          )}
          {error && <div class="error" role="alert">{error}</div>}
          <div class="compose">
            <textarea ref={inputRef} aria-label={t.message} placeholder={t.placeholder} value={text} maxLength={5000}
              onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} onKeyDown={onKey} />
            <button type="button" onClick={send} disabled={!text.trim()}>{t.send}</button>
          </div>
        </section>
      )}
      <button type="button" class="launcher" aria-label={t.launcher} aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? '×' : '💬'}
      </button>
    </div>
  );
}

function mount() {
  const script = (document.currentScript as HTMLScriptElement | null) ||
    document.querySelector<HTMLScriptElement>('script[data-inbox][src*="widget.js"]');
  if (!script) return;
  const inbox = script.dataset.inbox;
  if (!inbox) { console.error('lingxi widget: data-inbox is required'); return; }
  const base = new URL(script.src, location.href).origin;
  const t = strings[pickLang(script.dataset.lang, navigator.language)];
  const host = document.createElement('div');
  host.id = 'lingxi-widget';
  document.body.appendChild(host);
  const root = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = css;
  root.appendChild(style);
  const container = document.createElement('div');
  root.appendChild(container);
  const contact: Contact = {};
  if (script.dataset.externalId) contact.external_id = script.dataset.externalId;
  if (script.dataset.identifierHash) contact.identifier_hash = script.dataset.identifierHash;
  if (script.dataset.name) contact.name = script.dataset.name;
  if (script.dataset.email) contact.email = script.dataset.email;
  render(<Widget base={base} inbox={inbox} t={t} contact={contact} />, container);
}

if (document.body) mount();
else document.addEventListener('DOMContentLoaded', mount);
