// Console API client. The session lives in an HttpOnly cookie the page cannot read; every
// request echoes the readable CSRF cookie in X-Lingxi-CSRF (see docs/architecture.md).
export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string) { super(message); }
}

export function csrfToken(): string {
  const m = document.cookie.match(/(?:^|;\s*)lingxi_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : '';
}

export async function api<T = any>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method || 'GET',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-Lingxi-CSRF': csrfToken() },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body?.error?.code || 'error', body?.error?.message || res.statusText);
  return body as T;
}

// Account-wide live events with reconnect + backoff. `onOpen` runs after every (re)connect so
// the caller can re-fetch what it may have missed.
export interface EventSocket { stop(): void; send(frame: object): void }

export function connectEvents(onEvent: (e: any) => void, onOpen: () => void, onState: (online: boolean) => void): EventSocket {
  let ws: WebSocket | null = null;
  let attempt = 0;
  let stopped = false;
  let timer: number | undefined;
  const open = () => {
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    ws = new WebSocket(`${proto}://${location.host}/api/v1/ws?csrf=${encodeURIComponent(csrfToken())}`);
    ws.onmessage = (ev) => {
      let f: any;
      try { f = JSON.parse(ev.data); } catch { return; }
      if (f.type === 'hello') { attempt = 0; onState(true); onOpen(); } else onEvent(f);
    };
    ws.onclose = () => {
      if (stopped) return;
      onState(false);
      timer = window.setTimeout(open, Math.min(10000, 500 * 2 ** attempt++));
    };
  };
  open();
  return {
    stop: () => { stopped = true; clearTimeout(timer); ws?.close(); },
    send: (frame) => { if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame)); },
  };
}

