// Shapes of the Lingxi API (docs/api.md) used by the widget and the console.
export interface Source { id: number; title: string; score: number }
export interface MessageMeta {
  action?: string;
  confidence?: number;
  sources?: Source[];
  language?: string;
  handoff_reason?: string;
  agent_name?: string;
  original?: string;       // an agent reply sent translated: what the agent wrote
  translated_to?: string;
  playbook?: string;       // the bot answer came from a playbook
  llm?: unknown;           // ... or from the LLM
  fallback?: boolean;      // ... or from the embedded engine after the LLM failed
}
export interface Message {
  id: number;
  conversation_id: number;
  sender_type: 'contact' | 'bot' | 'agent' | 'system';
  sender_id?: number;
  content: string;
  created_at: string;
  created_at_ms: number;
  meta: MessageMeta | null;
}
export type Status = 'bot' | 'queued' | 'assigned' | 'resolved';
export interface Conversation {
  id: number;
  inbox_id: number;
  contact_id: number;
  status: Status;
  assignee_id: number | null;
  handoff_reason?: string;
  handoff_summary?: string;
  last_message_preview?: string;
  created_at: string;
  updated_at: string;
  last_message_at: string;
}

// Merges messages by id, oldest first, without duplicates.
export function mergeMessages(a: Message[], b: Message[]): Message[] {
  const byId = new Map<number, Message>();
  for (const m of a) byId.set(m.id, m);
  for (const m of b) byId.set(m.id, m);
  return [...byId.values()].sort((x, y) => x.id - y.id);
}
