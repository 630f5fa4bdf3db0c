// Conversation client: REST calls, the WebSocket with reconnect + backoff, and catch-up.
// No message is lost or duplicated across reconnects: after every (re)connect it fetches
// `messages?after=<last id>` and merges by id.
import { mergeMessages, type Message, type Status } from '../shared/types';

export interface Session { conversationId: number; token: string; who?: string }
// Who the customer is on the business's site; external_id needs the server-computed identifier_hash.
export interface Contact { external_id?: string; identifier_hash?: string; name?: string; email?: string }

export interface ClientEvents {
  onMessages(all: Message[]): void;
  onStatus(s: Status): void;
  onTyping(sender: string): void;
  // The bot's answer while it is being written (LLM streaming); '' once the stored answer arrives.
  onDraft(text: string): void;
  onConnection(online: boolean): void;
}

export class ChatClient {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private closed = false;
  private timer: number | undefined;
  messages: Message[] = [];

  private draft = '';

  // `contact`: who the customer is on the business's site (data-external-id + data-identifier-hash,
  // data-name, data-email).
  constructor(private base: string, private inbox: string, private events: ClientEvents,
              private contact: Contact = {}) {}

  private get storageKey() { return `lingxi:${this.inbox}`; }

  // The stored conversation, unless it belongs to someone else than the page's customer (another
  // account signed in on a shared browser must not see the previous customer's chat).
  session(): Session | null {
    try {
      const s = JSON.parse(localStorage.getItem(this.storageKey) || 'null');
      if (!s || typeof s.token !== 'string' || typeof s.conversationId !== 'number') return null;
      if ((s.who || '') !== (this.contact.external_id || '')) return null;
      return s;
    } catch { return null; }
  }

  private async api(path: string, init: RequestInit = {}): Promise<any> {
    const s = this.session();
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (s) headers.Authorization = `Bearer ${s.token}`;
    const res = await fetch(this.base + path, { ...init, headers });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error(body?.error?.message || res.statusText), { status: res.status });
    return body;
  }

  async ensureSession(): Promise<Session> {
    const existing = this.session();
    if (existing) return existing;
    let r;
    try {
      r = await this.api('/api/v1/widget/conversations', { method: 'POST', body: JSON.stringify({ inbox_token: this.inbox, contact: this.contact }) });
    } catch (e: any) {
      // A site whose identity hash is wrong (or missing) must not leave its customers without a chat:
      // tell the developer and continue as an anonymous visitor.
      if (e.status !== 401 || !this.contact.external_id) throw e;
      console.error(`lingxi widget: identity verification failed (${e.message}); chatting anonymously`);
      this.contact = { name: this.contact.name, email: this.contact.email };
      r = await this.api('/api/v1/widget/conversations', { method: 'POST', body: JSON.stringify({ inbox_token: this.inbox, contact: this.contact }) });
    }
    const s = { conversationId: r.conversation_id, token: r.token, who: this.contact.external_id || '' };
    localStorage.setItem(this.storageKey, JSON.stringify(s));
    this.events.onStatus(r.status);
    return s;
  }

  // Restores an existing conversation (after a reload) and connects. No-op without one.
  async resume(): Promise<void> {
    const s = this.session();
    if (!s) return;
    try {
      const conv = await this.api(`/api/v1/widget/conversations/${s.conversationId}`);
      this.events.onStatus(conv.status);
    } catch (e: any) {
      if (e.status === 401 || e.status === 403 || e.status === 404) { localStorage.removeItem(this.storageKey); return; }
    }
    await this.catchUp().catch(() => {});
    this.connect();
  }

  private add(ms: Message[]) {
    if (!ms.length) return;
    this.messages = mergeMessages(this.messages, ms);
    this.events.onMessages(this.messages);
  }

  async catchUp(): Promise<void> {
    const s = this.session();
    if (!s) return;
    for (;;) {
      const last = this.messages.length ? this.messages[this.messages.length - 1].id : 0;
      const r = await this.api(`/api/v1/widget/conversations/${s.conversationId}/messages?after=${last}&limit=500`);
      this.add(r.messages);
      if (r.messages.length < 500) return;
    }
  }

  connect(): void {
    const s = this.session();
    if (!s || this.ws || this.closed) return;
    const url = this.base.replace(/^http/, 'ws') + `/api/v1/widget/ws?token=${encodeURIComponent(s.token)}`;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onmessage = (ev) => {
      let f: any;
      try { f = JSON.parse(ev.data); } catch { return; }
      if (f.type === 'hello') {
        this.attempt = 0;
        this.events.onConnection(true);
        this.catchUp().catch(() => {});
      } else if (f.type === 'message' && f.message) {
        this.add([f.message]);
        if (f.message.sender_type !== 'contact') {
          this.events.onTyping('');
          if (this.draft) { this.draft = ''; this.events.onDraft(''); }
        }
      } else if (f.type === 'delta' && typeof f.text === 'string') {
        this.draft += f.text;
        this.events.onDraft(this.draft);
      } else if (f.type === 'status') {
        this.events.onStatus(f.status);
      } else if (f.type === 'typing') {
        this.events.onTyping(f.sender_type);
      }
    };
    ws.onclose = () => {
      if (this.ws === ws) this.ws = null;
      if (this.closed) return;
      this.events.onConnection(false);
      // Exponential backoff with jitter: 0.5 s, 1 s, 2 s … capped at 10 s.
      const delay = Math.min(10000, 500 * 2 ** this.attempt++) * (0.75 + Math.random() * 0.5);
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.connect(), delay);
    };
  }

  sendTyping(): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send('{"type":"typing"}');
  }

  // Sent over HTTP: the 201 arrives after the message and the bot's reply are committed.
  async send(content: string): Promise<void> {
    const s = await this.ensureSession();
    const r = await this.api(`/api/v1/widget/conversations/${s.conversationId}/messages`, {
      method: 'POST', body: JSON.stringify({ content }),
    });
    this.add([r.message, ...r.replies]);
    this.events.onStatus(r.status);
    this.connect();
  }

  async handoff(): Promise<void> {
    const s = await this.ensureSession();
    const r = await this.api(`/api/v1/widget/conversations/${s.conversationId}/handoff`, { method: 'POST', body: '{}' });
    this.add(r.replies);
    this.events.onStatus(r.status);
    this.connect();
  }

  async feedback(messageId: number, rating: 'up' | 'down'): Promise<void> {
    const s = await this.ensureSession();
    await this.api(`/api/v1/widget/conversations/${s.conversationId}/messages/${messageId}/feedback`, {
      method: 'POST', body: JSON.stringify({ rating }),
    });
  }

  async rate(score: number): Promise<void> {
    const s = await this.ensureSession();
    await this.api(`/api/v1/widget/conversations/${s.conversationId}/rating`, {
      method: 'POST', body: JSON.stringify({ score }),
    });
  }
}
