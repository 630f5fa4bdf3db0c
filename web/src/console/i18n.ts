const zh = {
  product: '灵犀 · 客服工作台',
  email: '邮箱', password: '密码', login: '登录', logout: '退出', loginFailed: '邮箱或密码错误',
  inbox: '会话', kb: '知识库', feedback: '答案反馈',
  queued: '排队中', mine: '我的', open: '全部进行中', resolved: '已解决',
  empty: '暂无会话', select: '选择一个会话',
  claim: '认领', resolve: '解决', reply: '回复', send: '发送', suggest: '推荐回复',
  handoff: '转人工摘要', customer: '客户', identities: '身份', history: '历史会话',
  bot: '机器人', agent: '客服', contact: '客户', system: '系统', sources: '来自：',
  status: { bot: '机器人', queued: '排队中', assigned: '处理中', resolved: '已解决' } as Record<string, string>,
  search: '搜索文章', newArticle: '新建文章', title: '标题', body: '正文（Markdown）', questions: '常见问法（每行一个）',
  tags: '标签（逗号分隔）', language: '语言', save: '保存', cancel: '取消', del: '删除', edit: '编辑', confirmDelete: '确定删除这篇文章？',
  tryIt: '试一试', tryPlaceholder: '输入客户可能会问的问题', botWould: '机器人会回答', matches: '匹配的文章', score: '得分',
  noAnswer: '（机器人会转人工）', thumbsDown: '被点踩的回答', ratings: '会话评分', none: '暂无',
  online: '实时连接正常', offline: '连接中断，正在重连…', sound: '提醒', adminOnly: '仅管理员可编辑', preview: '预览',
  agents: '客服账号', newAgent: '新建客服', name: '姓名', role: '角色', state: '状态', create: '创建',
  roles: { agent: '客服', admin: '管理员' } as Record<string, string>, active: '启用', inactive: '已停用',
  deactivate: '停用', activate: '启用', resetPassword: '重置密码', newPassword: '新密码（至少 8 位）',
  inboxes: '接入设置', snippetHelp: '把这段代码粘贴到网站页面的 </body> 之前，即可显示在线客服窗口：', copy: '复制', copied: '已复制',
  importFile: '导入（.md / .csv）', imported: '已导入文章', canned: '快捷回复', transfer: '转接', me: '我', agentCreated: '已创建', passwordReset: '密码已重置，该客服需重新登录', saved: '已保存',
  shortcuts: '键盘快捷键', close: '关闭',
  keys: [['j / k', '下一个 / 上一个会话'], ['1 – 4', '切换：排队中 / 我的 / 全部进行中 / 已解决'], ['c', '认领'], ['e', '解决'],
    ['r', '聚焦回复框'], ['s', '推荐回复'], ['Esc', '离开回复框 / 关闭帮助'], ['?', '显示 / 隐藏快捷键']] as [string, string][],
};
const en: typeof zh = {
  product: 'Lingxi · Agent console',
  email: 'Email', password: 'Password', login: 'Log in', logout: 'Log out', loginFailed: 'Wrong email or password',
  inbox: 'Inbox', kb: 'Knowledge base', feedback: 'Answer feedback',
  queued: 'Queued', mine: 'Mine', open: 'All open', resolved: 'Resolved',
  empty: 'No conversations', select: 'Select a conversation',
  claim: 'Claim', resolve: 'Resolve', reply: 'Reply', send: 'Send', suggest: 'Suggest reply',
  handoff: 'Handoff summary', customer: 'Customer', identities: 'Identities', history: 'Past conversations',
  bot: 'Bot', agent: 'Agent', contact: 'Customer', system: 'System', sources: 'Source: ',
  status: { bot: 'Bot', queued: 'Queued', assigned: 'Assigned', resolved: 'Resolved' },
  search: 'Search articles', newArticle: 'New article', title: 'Title', body: 'Body (Markdown)', questions: 'Questions (one per line)',
  tags: 'Tags (comma separated)', language: 'Language', save: 'Save', cancel: 'Cancel', del: 'Delete', edit: 'Edit', confirmDelete: 'Delete this article?',
  tryIt: 'Try it', tryPlaceholder: 'A question a customer might ask', botWould: 'The bot would answer', matches: 'Matched articles', score: 'score',
  noAnswer: '(the bot would hand off)', thumbsDown: 'Thumbs-down answers', ratings: 'Conversation ratings', none: 'None yet',
  online: 'Live', offline: 'Connection lost, reconnecting…', sound: 'Alerts', adminOnly: 'Admins only', preview: 'Preview',
  agents: 'Agents', newAgent: 'New agent', name: 'Name', role: 'Role', state: 'Status', create: 'Create',
  roles: { agent: 'Agent', admin: 'Admin' }, active: 'Active', inactive: 'Deactivated',
  deactivate: 'Deactivate', activate: 'Activate', resetPassword: 'Reset password', newPassword: 'New password (8+ characters)',
  inboxes: 'Inbox settings', snippetHelp: 'Paste this snippet before </body> on your site to show the chat widget:', copy: 'Copy', copied: 'Copied',
  importFile: 'Import (.md / .csv)', imported: 'Articles imported', canned: 'Canned replies', transfer: 'Transfer', me: 'me', agentCreated: 'Created', passwordReset: 'Password reset; the agent must log in again', saved: 'Saved',
  shortcuts: 'Keyboard shortcuts', close: 'Close',
  keys: [['j / k', 'Next / previous conversation'], ['1 – 4', 'Tabs: queued / mine / all open / resolved'], ['c', 'Claim'], ['e', 'Resolve'],
    ['r', 'Focus the reply box'], ['s', 'Suggest reply'], ['Esc', 'Leave the reply box / close help'], ['?', 'Show / hide shortcuts']],
};
export type Strings = typeof zh;
export function initialLang(): 'zh' | 'en' {
  const saved = localStorage.getItem('lingxi:console-lang');
  if (saved === 'zh' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}
export const strings = { zh, en };
