// Conversations kept in the browser's localStorage: one item per conversation plus an index, so that saving
// the one being streamed into does not rewrite all the others.

const INDEX = 'jllm.conversations';
const PREFIX = 'jllm.conversation.';
const CURRENT = 'jllm.currentConversation';

function newId() {
  return 'c' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
}

function readIndex() {
  try {
    const ids = JSON.parse(localStorage.getItem(INDEX) || '[]');
    return Array.isArray(ids) ? ids : [];
  } catch (e) {
    return [];
  }
}

/** Every conversation, most recently updated first. */
export function listConversations() {
  return readIndex().map(load).filter(Boolean).sort((a, b) => b.updated - a.updated);
}

export function load(id) {
  try {
    const c = JSON.parse(localStorage.getItem(PREFIX + id));
    return c && Array.isArray(c.messages) ? c : null;
  } catch (e) {
    return null;
  }
}

export function create() {
  const now = Date.now();
  const c = { id: newId(), title: 'New chat', created: now, updated: now, messages: [] };
  save(c);
  return c;
}

/** Stores the conversation; throws a readable error when the browser's storage is full. */
export function save(c) {
  c.updated = Date.now();
  const first = c.messages.find((m) => m.role === 'user');
  if (first && c.title === 'New chat') {
    c.title = first.content.replace(/\s+/g, ' ').trim().slice(0, 60) || 'New chat';
  }
  try {
    localStorage.setItem(PREFIX + c.id, JSON.stringify(c));
    const ids = readIndex();
    if (!ids.includes(c.id)) {
      ids.push(c.id);
      localStorage.setItem(INDEX, JSON.stringify(ids));
    }
  } catch (e) {
    throw new Error('the browser refused to store the conversation (' + e.message + '): export and delete some');
  }
}

export function remove(id) {
  localStorage.removeItem(PREFIX + id);
  localStorage.setItem(INDEX, JSON.stringify(readIndex().filter((x) => x !== id)));
  if (localStorage.getItem(CURRENT) === id) {
    localStorage.removeItem(CURRENT);
  }
}

export function currentId() {
  return localStorage.getItem(CURRENT);
}

export function setCurrentId(id) {
  localStorage.setItem(CURRENT, id);
}

/** Downloads every conversation as one JSON file. */
export function exportAll() {
  const data = { exported_at: new Date().toISOString(), conversations: listConversations() };
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = 'jllm-conversations-' + new Date().toISOString().slice(0, 10) + '.json';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
