// The conversation: showing messages, streaming answers from /v1/chat/completions, Stop (aborting the request
// closes the server's stream, which cancels the generation and frees its slot), regenerate and edit-last.

import { ApiError, readEvents, request } from './api.js';
import * as store from './conversations.js';
import { renderMarkdown } from './markdown.js';

const SAVE_EVERY_MS = 400;
/** How an answer ended, in words ('stop', the model's own end, needs none). */
const FINISH_LABELS = {
  stop: null,
  length: 'max tokens reached',
  stopped: 'stopped',
  interrupted: 'interrupted (the page was closed)',
  content_filter: 'content filter',
  tool_calls: 'tool calls',
};

export class Chat {
  /**
   * @param els       the page's elements (messages, prompt, send, stop, emptyHint)
   * @param settings  () => {system, temperature, top_p, max_tokens}
   * @param model     () => the model id chosen in the picker
   * @param onChange  called when the conversation list should be redrawn
   * @param showError (message) => shows an error that belongs to no message
   */
  constructor(els, settings, model, onChange, showError) {
    this.els = els;
    this.settings = settings;
    this.model = model;
    this.onChange = onChange;
    this.showError = showError;
    this.conv = null;
    this.running = null; // {controller, message, element}
  }

  /** Shows a conversation (the page's current one). */
  open(conv) {
    if (this.running) {
      this.stop();
    }
    // An answer that was streaming when the page went away is kept as far as it got.
    let changed = false;
    for (const m of conv.messages) {
      if (m.pending) {
        delete m.pending;
        m.stats = { ...(m.stats || {}), finish: 'interrupted' };
        changed = true;
      }
    }
    if (changed) {
      store.save(conv);
    }
    // A chat left without a single message is not worth a place in the list.
    if (this.conv && this.conv.id !== conv.id && this.conv.messages.length === 0) {
      store.remove(this.conv.id);
    }
    this.conv = conv;
    store.setCurrentId(conv.id);
    this.render();
  }

  isRunning() {
    return this.running !== null;
  }

  render() {
    const box = this.els.messages;
    box.querySelectorAll('.message').forEach((e) => e.remove());
    this.els.emptyHint.hidden = this.conv.messages.length > 0;
    this.conv.messages.forEach((m, i) => box.append(this.messageElement(m, i)));
    this.scrollDown(true);
  }

  messageElement(m, index) {
    const e = document.createElement('article');
    e.className = 'message ' + m.role;
    e.dataset.testid = m.role === 'user' ? 'message-user' : 'message-assistant';
    e.dataset.index = String(index);
    const who = document.createElement('div');
    who.className = 'who';
    who.textContent = m.role === 'user' ? 'You' : (m.model || 'assistant');
    const body = document.createElement('div');
    body.className = 'content';
    const foot = document.createElement('div');
    foot.className = 'meta';
    e.append(who, body, foot);
    this.fill(e, m, index);
    return e;
  }

  /** (Re)draws a message's content, statistics, error and actions. */
  fill(e, m, index) {
    const body = e.querySelector('.content');
    const foot = e.querySelector('.meta');
    if (m.role === 'user') {
      body.textContent = m.content;
    } else {
      body.replaceChildren(renderMarkdown(m.content));
      if (m.pending && m.content === '') {
        body.append(Object.assign(document.createElement('span'), { className: 'typing', textContent: '…' }));
      }
    }
    e.querySelector('.error')?.remove();
    if (m.error) {
      const err = document.createElement('div');
      err.className = 'error';
      err.setAttribute('role', 'alert');
      err.textContent = m.error;
      body.after(err);
    }
    foot.replaceChildren();
    const stats = statsText(m);
    if (stats) {
      foot.append(Object.assign(document.createElement('span'), { className: 'stats', textContent: stats }));
    }
    const last = index === this.conv.messages.length - 1;
    const lastUser = index === this.lastIndexOf('user');
    if (!m.pending && m.role === 'assistant' && last) {
      foot.append(this.action('Regenerate', 'regenerate', () => this.regenerate()));
    }
    if (!this.running && m.role === 'user' && lastUser) {
      foot.append(this.action('Edit', 'edit', () => this.editLast()));
    }
  }

  action(label, testid, fn) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'ghost small';
    b.textContent = label;
    b.dataset.testid = testid;
    b.addEventListener('click', fn);
    return b;
  }

  lastIndexOf(role) {
    for (let i = this.conv.messages.length - 1; i >= 0; i--) {
      if (this.conv.messages[i].role === role) {
        return i;
      }
    }
    return -1;
  }

  scrollDown(force) {
    const box = this.els.messages;
    const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 120;
    if (force || nearBottom) {
      box.scrollTop = box.scrollHeight;
    }
  }

  /** Sends the prompt box's text as the next user message. */
  send() {
    const text = this.els.prompt.value.trim();
    if (text === '' || this.running) {
      return;
    }
    if (!this.model()) {
      this.showError('No model to send to: the server lists none. Pull or load one in the Models panel.');
      return;
    }
    this.els.prompt.value = '';
    this.conv.messages.push({ role: 'user', content: text });
    this.answer();
  }

  regenerate() {
    if (this.running) {
      return;
    }
    const last = this.conv.messages[this.conv.messages.length - 1];
    if (last && last.role === 'assistant') {
      this.conv.messages.pop();
    }
    this.answer();
  }

  /** Puts the last user message back into the prompt box, dropping it and what followed. */
  editLast() {
    if (this.running) {
      return;
    }
    const i = this.lastIndexOf('user');
    if (i < 0) {
      return;
    }
    this.els.prompt.value = this.conv.messages[i].content;
    this.conv.messages.splice(i);
    this.persist();
    this.render();
    this.els.prompt.focus();
  }

  stop() {
    if (this.running) {
      this.running.stopped = true;
      this.running.controller.abort();
    }
  }

  persist(conv = this.conv) {
    try {
      store.save(conv);
    } catch (e) {
      this.showError(e.message);
    }
    this.onChange();
  }

  /** Streams the assistant's answer to the conversation so far. */
  async answer() {
    const s = this.settings();
    const history = [];
    if (s.system.trim() !== '') {
      history.push({ role: 'system', content: s.system });
    }
    for (const m of this.conv.messages) {
      if (m.role === 'user' || (m.role === 'assistant' && m.content !== '')) {
        history.push({ role: m.role, content: m.content });
      }
    }
    const model = this.model();
    const msg = { role: 'assistant', content: '', model, pending: true };
    // The user may switch conversations while this one streams: it is saved where it belongs.
    const conv = this.conv;
    conv.messages.push(msg);
    this.persist();
    this.render();
    const element = this.els.messages.querySelector('.message:last-of-type');
    const controller = new AbortController();
    const run = { controller, message: msg, element, stopped: false };
    this.running = run;
    this.setBusy(true);

    const body = { model, messages: history, stream: true, stream_options: { include_usage: true } };
    if (s.temperature !== null) body.temperature = s.temperature;
    if (s.top_p !== null) body.top_p = s.top_p;
    if (s.max_tokens !== null) body.max_tokens = s.max_tokens;

    const started = performance.now();
    let first = null;
    let chunks = 0;
    let usage = null;
    let finish = null;
    let lastSave = 0;
    let drawPending = false;
    const draw = () => {
      if (!drawPending) {
        drawPending = true;
        requestAnimationFrame(() => {
          drawPending = false;
          this.fill(element, msg, conv.messages.indexOf(msg));
          this.scrollDown(false);
        });
      }
    };
    try {
      const res = await request('/v1/chat/completions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      await readEvents(res, (e) => {
        if (e.data === '[DONE]') {
          return false;
        }
        const chunk = JSON.parse(e.data);
        if (chunk.error) {
          throw new ApiError(chunk.error.message || 'the generation failed', 500, chunk.error.code);
        }
        if (chunk.usage) {
          usage = chunk.usage;
        }
        const choice = chunk.choices && chunk.choices[0];
        if (choice) {
          const piece = choice.delta && choice.delta.content;
          if (piece) {
            if (first === null) {
              first = performance.now();
            }
            chunks++;
            msg.content += piece;
            draw();
            if (performance.now() - lastSave > SAVE_EVERY_MS) {
              lastSave = performance.now();
              this.persist(conv);
            }
          }
          if (choice.finish_reason) {
            finish = choice.finish_reason;
          }
        }
        return true;
      });
    } catch (e) {
      if (!(e.name === 'AbortError' && run.stopped)) {
        msg.error = e.name === 'AbortError' ? 'the request was aborted' : e.message;
      }
    }
    const ended = performance.now();
    delete msg.pending;
    msg.stats = {
      finish: run.stopped ? 'stopped' : finish,
      prompt_tokens: usage ? usage.prompt_tokens : null,
      completion_tokens: usage ? usage.completion_tokens : null,
      chunks,
      first_token_ms: first === null ? null : Math.round(first - started),
      // Tokens after the first over the time after it: the decoding speed, without the prompt's evaluation.
      tokens_per_second: tokensPerSecond(usage ? usage.completion_tokens : chunks, first, ended),
    };
    if (this.running === run) {
      this.running = null;
      this.setBusy(false);
    }
    this.persist(conv);
    if (this.conv === conv) {
      this.render();
    }
  }

  setBusy(busy) {
    this.els.send.disabled = busy;
    this.els.stop.disabled = !busy;
  }
}

function tokensPerSecond(tokens, first, ended) {
  if (first === null || tokens < 2 || ended - first <= 0) {
    return null;
  }
  return (tokens - 1) / ((ended - first) / 1000);
}

function statsText(m) {
  const s = m.stats;
  if (!s) {
    return m.pending ? 'generating…' : '';
  }
  const parts = [];
  if (s.prompt_tokens != null) {
    parts.push(s.prompt_tokens + ' prompt tokens');
  }
  if (s.completion_tokens != null) {
    parts.push(s.completion_tokens + ' tokens');
  } else if (s.chunks) {
    parts.push('~' + s.chunks + ' tokens');
  }
  if (s.tokens_per_second != null) {
    parts.push(s.tokens_per_second.toFixed(1) + ' tokens/s');
  }
  if (s.first_token_ms != null) {
    parts.push('first token ' + (s.first_token_ms / 1000).toFixed(2) + ' s');
  }
  const finish = FINISH_LABELS[s.finish] ?? s.finish;
  if (finish) {
    parts.push(finish);
  }
  return parts.join(' · ');
}
