export type Lang = 'zh' | 'en';

const zh = {
  launcher: '在线客服',
  title: '在线客服',
  close: '关闭',
  message: '消息',
  placeholder: '请输入您的问题…',
  send: '发送',
  bot: '智能助手',
  agent: '客服',
  system: '系统',
  you: '我',
  sources: '来自：',
  human: '转人工',
  queued: '正在为您转接人工客服，请稍候…',
  assigned: '人工客服已接入',
  resolved: '会话已结束。请为本次服务打分：',
  rate: (n: number) => `${n} 星`,
  thanks: '感谢您的评价！',
  helpful: '有帮助',
  notHelpful: '没帮助',
  typing: '正在输入…',
  offline: '连接中断，正在重连…',
  failed: '发送失败，请重试',
  welcome: '您好！我是灵犀智能助手，请问有什么可以帮您？',
};
const en: typeof zh = {
  launcher: 'Chat',
  title: 'Chat with us',
  close: 'Close',
  message: 'Message',
  placeholder: 'Type your question…',
  send: 'Send',
  bot: 'Assistant',
  agent: 'Agent',
  system: 'System',
  you: 'You',
  sources: 'Source: ',
  human: 'Talk to a person',
  queued: 'Connecting you to an agent, please wait…',
  assigned: 'An agent has joined',
  resolved: 'This conversation is closed. How did we do?',
  rate: (n: number) => `Rate ${n} of 5`,
  thanks: 'Thanks for your feedback!',
  helpful: 'Helpful',
  notHelpful: 'Not helpful',
  typing: 'typing…',
  offline: 'Connection lost, reconnecting…',
  failed: 'Could not send, please retry',
  welcome: 'Hi! I am the Lingxi assistant. How can I help?',
};

export function pickLang(attr: string | null | undefined, navigatorLang: string): Lang {
  const l = (attr || navigatorLang || 'en').toLowerCase();
  return l.startsWith('zh') ? 'zh' : 'en';
}
export const strings = { zh, en };
export type Strings = typeof zh;
