// The chat page: wires the elements to the chat, the conversation list, the settings, the Models panel and
// the API key dialog.

import { apiKey, forgetKey, onKeyNeeded } from './api.js';
import { Chat } from './chat.js';
import * as store from './conversations.js';
import { ModelsPanel } from './models-panel.js';

const SETTINGS_ITEM = 'jllm.settings';
const DEFAULTS = { system: '', temperature: 0.7, top_p: 0.95, max_tokens: 512 };

const $ = (id) => document.getElementById(id);

// ------------------------------------------------------------------ errors shown in place

function showError(message) {
  const b = $('banner');
  b.replaceChildren(message);
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'ghost small';
  close.textContent = 'Dismiss';
  close.addEventListener('click', () => { b.hidden = true; });
  b.append(' ', close);
  b.hidden = false;
}

// A bug in the page itself is shown too, rather than leaving a half-working page without a word.
window.addEventListener('error', (e) => showError('Page error: ' + e.message));
window.addEventListener('unhandledrejection', (e) => showError('Page error: '
  + (e.reason && e.reason.message ? e.reason.message : e.reason)));

// ------------------------------------------------------------------ settings

function loadSettings() {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(SETTINGS_ITEM) || '{}') };
  } catch (e) {
    return { ...DEFAULTS };
  }
}

function bindSettings() {
  const s = loadSettings();
  const fields = { system: $('system-prompt'), temperature: $('temperature'), top_p: $('top-p'),
    max_tokens: $('max-tokens') };
  fields.system.value = s.system;
  fields.temperature.value = s.temperature;
  fields.top_p.value = s.top_p;
  fields.max_tokens.value = s.max_tokens;
  const show = () => {
    $('temperature-value').textContent = Number(fields.temperature.value).toFixed(2);
    $('top-p-value').textContent = Number(fields.top_p.value).toFixed(2);
  };
  show();
  for (const f of Object.values(fields)) {
    f.addEventListener('input', () => {
      show();
      localStorage.setItem(SETTINGS_ITEM, JSON.stringify(current()));
    });
  }
  const current = () => {
    const max = parseInt(fields.max_tokens.value, 10);
    return {
      system: fields.system.value,
      temperature: Number(fields.temperature.value),
      top_p: Number(fields.top_p.value),
      max_tokens: Number.isFinite(max) && max > 0 ? max : null,
    };
  };
  return current;
}

/** Makes the button show and hide the panel; returns a function that shows it. */
function bindPanelToggle(buttonId, panelId, onOpen = () => {}) {
  const button = $(buttonId);
  const panel = $(panelId);
  const set = (open) => {
    const was = !panel.hidden;
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open && !was) {
      onOpen();
    }
  };
  button.addEventListener('click', () => set(panel.hidden));
  return () => set(true);
}

// ------------------------------------------------------------------ dialogs

function askForKey(message) {
  return new Promise((resolve) => {
    const dialog = $('key-dialog');
    const err = $('key-error');
    err.hidden = !message;
    err.textContent = message || '';
    $('key-input').value = '';
    const done = () => {
      dialog.removeEventListener('close', done);
      const key = dialog.returnValue === 'ok' ? $('key-input').value.trim() : '';
      $('forget-key').hidden = !key;
      resolve(key || null);
    };
    dialog.returnValue = '';
    dialog.addEventListener('close', done);
    dialog.showModal();
  });
}

function confirmDialog(text) {
  return new Promise((resolve) => {
    const dialog = $('confirm-dialog');
    $('confirm-text').textContent = text;
    const done = () => {
      dialog.removeEventListener('close', done);
      resolve(dialog.returnValue === 'ok');
    };
    dialog.returnValue = 'cancel';
    dialog.addEventListener('close', done);
    dialog.showModal();
  });
}

// ------------------------------------------------------------------ conversation list

function drawConversations(chat) {
  const list = $('conversation-list');
  list.replaceChildren(...store.listConversations().map((c) => {
    const li = document.createElement('li');
    li.className = chat.conv && c.id === chat.conv.id ? 'active' : '';
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'conversation';
    open.textContent = c.title;
    open.title = c.title;
    open.addEventListener('click', () => {
      if (!chat.conv || c.id !== chat.conv.id) {
        chat.open(store.load(c.id));
        drawConversations(chat);
      }
    });
    const del = document.createElement('button');
    del.type = 'button';
    del.className = 'ghost small';
    del.textContent = '×';
    del.title = 'Delete this conversation';
    del.setAttribute('aria-label', 'Delete conversation ' + c.title);
    del.addEventListener('click', async () => {
      if (await confirmDialog('Delete the conversation "' + c.title + '"?')) {
        store.remove(c.id);
        if (chat.conv && chat.conv.id === c.id) {
          chat.open(store.listConversations()[0] || store.create());
        }
        drawConversations(chat);
      }
    });
    li.append(open, del);
    return li;
  }));
}

// ------------------------------------------------------------------ start

async function main() {
  onKeyNeeded(askForKey);
  $('forget-key').hidden = !apiKey();
  $('forget-key').addEventListener('click', () => {
    forgetKey();
    $('forget-key').hidden = true;
  });

  const settings = bindSettings();
  let revealModels = () => {};
  const models = new ModelsPanel({
    panel: $('models'), picker: $('model-select'), current: $('current-model'), currentSelect: $('current-select'),
    modelList: $('model-list'), pullForm: $('pull-form'), pullRef: $('pull-ref'), pull: $('pull'),
    pullBox: $('pull-progress'), pullName: $('pull-name'), pullBar: $('pull-bar'), pullStatus: $('pull-status'),
    pullCancel: $('pull-cancel'), reveal: () => revealModels(),
  }, confirmDialog, showError);
  let chat = null;
  chat = new Chat({
    messages: $('messages'), prompt: $('prompt'), send: $('send'), stop: $('stop'), emptyHint: $('empty-hint'),
  }, settings, () => models.picked(), () => drawConversations(chat), showError);

  const saved = store.currentId() && store.load(store.currentId());
  chat.open(saved || store.listConversations()[0] || store.create());
  drawConversations(chat);

  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    chat.send();
  });
  $('prompt').addEventListener('keydown', (e) => {
    // Enter sends; Shift+Enter is a new line; an IME composing text keeps its Enter.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      chat.send();
    }
  });
  $('stop').addEventListener('click', () => chat.stop());
  $('new-chat').addEventListener('click', () => {
    if (chat.conv.messages.length > 0) {
      chat.open(store.create());
    }
    drawConversations(chat);
    $('prompt').focus();
  });
  $('export').addEventListener('click', () => store.exportAll());
  bindPanelToggle('toggle-settings', 'settings');
  revealModels = bindPanelToggle('toggle-models', 'models', () => models.refreshLoaded());

  await models.start();
  document.body.dataset.ready = 'true';
}

main().catch((e) => showError('The page could not start: ' + e.message));
