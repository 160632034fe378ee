// The Models panel and the model picker: what the server can serve (/v1/models), the loaded models of every
// instance (jobs), the current model (followed over /v1/events, changed with a current_model.set job), pulls
// from Hugging Face as model.serve jobs with live progress that survive a page reload, unload and delete.

import { ApiError, cancelJob, followJob, getJob, getJson, readEvents, request, runJob, submitJob } from './api.js';

const PULL_ITEM = 'jllm.pullJob';
const PICKED_ITEM = 'jllm.model';
const SPEED_WINDOW_MS = 3000;
const SPEED_MIN_MS = 500;

export class ModelsPanel {
  /**
   * @param els       the page's elements
   * @param confirm   (text) => Promise<boolean>: asks the user
   * @param showError (message) => shows an error at the top of the page
   */
  constructor(els, confirm, showError) {
    this.els = els;
    this.confirm = confirm;
    this.showError = showError;
    this.current = null;
    this.pull = null; // {id, ref, samples: [{t, bytes}], done}
    els.picker.addEventListener('change', () => localStorage.setItem(PICKED_ITEM, els.picker.value));
    els.currentSelect.addEventListener('change', () => this.changeCurrent());
    els.pullForm.addEventListener('submit', (e) => {
      e.preventDefault();
      this.startPull();
    });
    els.pullCancel.addEventListener('click', () => this.cancelPull());
  }

  /** The model id the chat sends to. */
  picked() {
    return this.els.picker.value;
  }

  async start() {
    await this.refresh();
    this.followCurrent();
    this.resumePull();
  }

  /** Reloads the picker from /v1/models and the loaded list from the instances. */
  async refresh() {
    try {
      const list = await getJson('/v1/models');
      this.fillPicker(list.data.map((m) => m.id));
    } catch (e) {
      if (e instanceof ApiError && e.status === 503) {
        // Start-up models still loading: say so, and look again shortly.
        this.fillPicker([], 'loading: ' + e.message);
        clearTimeout(this.retry);
        this.retry = setTimeout(() => this.refresh(), 1000);
        return;
      }
      this.showError('Cannot list the models: ' + e.message);
    }
    if (!this.els.panel.hidden) {
      await this.refreshLoaded();
    }
  }

  fillPicker(ids, emptyText = 'no model: pull one in the Models panel') {
    const sel = this.els.picker;
    const wanted = sel.value || localStorage.getItem(PICKED_ITEM) || (this.current && this.current.model_id);
    sel.replaceChildren(...ids.map((id) => new Option(id, id)));
    if (ids.length === 0) {
      sel.append(new Option(emptyText, ''));
    }
    if (wanted && ids.includes(wanted)) {
      sel.value = wanted;
    }
  }

  /** The loaded models of every instance, with unload and delete, and the choices for the current model. */
  async refreshLoaded() {
    const list = this.els.modelList;
    this.refreshing = (this.refreshing || 0) + 1;
    list.dataset.busy = 'true';
    try {
      const instances = (await runJob('instance.list')).instances;
      const rows = [];
      for (const instance of instances) {
        try {
          const models = (await runJob('models.list', { instance })).data;
          models.forEach((m) => rows.push({ instance, model: m.id }));
        } catch (e) {
          rows.push({ instance, error: e.message });
        }
      }
      // Rows are redrawn only when they changed, so that a click is never lost to a redraw of the same rows.
      const key = JSON.stringify(rows);
      if (key !== this.rowsKey) {
        this.rowsKey = key;
        list.replaceChildren(...rows.map((r) => this.row(r)));
        if (rows.length === 0) {
          list.append(Object.assign(document.createElement('li'), { className: 'hint', textContent: 'none' }));
        }
      }
      const sel = this.els.currentSelect;
      const options = rows.filter((r) => !r.error).map((r) => {
        const o = new Option(r.model + ' (' + r.instance + ')', JSON.stringify([r.instance, r.model]));
        return o;
      });
      sel.replaceChildren(new Option('choose…', ''), ...options);
      sel.value = this.current ? JSON.stringify([this.current.service_name, this.current.model_id]) : '';
      if (sel.selectedIndex < 0) {
        sel.value = '';
      }
    } catch (e) {
      this.rowsKey = null;
      list.replaceChildren(errorItem('Cannot list the loaded models: ' + e.message));
    } finally {
      if (--this.refreshing === 0) {
        delete list.dataset.busy;
      }
    }
  }

  row(r) {
    const li = document.createElement('li');
    if (r.error) {
      li.append(r.instance + ': ', Object.assign(document.createElement('span'), { className: 'error',
        textContent: r.error }));
      return li;
    }
    const name = document.createElement('span');
    name.className = 'model-name';
    name.textContent = r.model;
    name.title = r.model + ' on instance ' + r.instance;
    const inst = document.createElement('span');
    inst.className = 'instance';
    inst.textContent = r.instance;
    const status = document.createElement('div');
    status.className = 'row-status';
    const unload = button('Unload', async () => {
      await this.act(status, 'model.unload', r, 'unloaded');
    });
    const del = button('Delete', async () => {
      if (await this.confirm('Delete ' + r.model + ' from the model store? Its files are removed from disk.')) {
        await this.act(status, 'model.delete', r, 'deleted');
      }
    });
    del.classList.add('danger');
    unload.dataset.testid = 'unload';
    del.dataset.testid = 'delete';
    li.append(name, inst, unload, del, status);
    return li;
  }

  async act(status, type, r, done) {
    status.className = 'row-status';
    status.textContent = type === 'model.delete' ? 'deleting…' : 'unloading…';
    try {
      await runJob(type, { instance: r.instance, model: r.model });
      status.textContent = done;
      await this.refresh();
    } catch (e) {
      status.className = 'row-status error';
      status.textContent = e.message;
    }
  }

  async changeCurrent() {
    const v = this.els.currentSelect.value;
    if (!v) {
      return;
    }
    const [instance, model] = JSON.parse(v);
    try {
      await runJob('current_model.set', { model_id: model, service_name: instance });
    } catch (e) {
      this.showError('Cannot change the current model: ' + e.message);
    }
  }

  /** Follows current-model events for as long as the page is open, reconnecting after a dropped stream. */
  async followCurrent() {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await request('/v1/events', { headers: { Accept: 'text/event-stream' } });
        attempt = 0;
        await readEvents(res, (e) => {
          if (e.event === 'current_model') {
            this.setCurrent(JSON.parse(e.data).current_model);
          }
          return true;
        });
      } catch (e) {
        if (e instanceof ApiError && e.status !== 0 && e.status < 500) {
          this.showError('Cannot follow the current model: ' + e.message);
          return;
        }
      }
      await new Promise((r) => setTimeout(r, Math.min(10000, 1000 * (attempt + 1))));
    }
  }

  setCurrent(c) {
    const changed = JSON.stringify(c) !== JSON.stringify(this.current);
    this.current = c;
    this.els.current.textContent = c ? c.model_id + ' (' + c.service_name + ')' : 'none';
    if (changed) {
      this.refresh();
    }
  }

  // ---------------------------------------------------------------- pulls

  async startPull() {
    const ref = this.els.pullRef.value.trim();
    if (ref === '' || (this.pull && !this.pull.done)) {
      return;
    }
    this.showPull(ref);
    try {
      const job = await submitJob('model.serve', { model: ref, ...(await this.pullTarget()) });
      localStorage.setItem(PULL_ITEM, JSON.stringify({ id: job.id, ref }));
      this.els.pullRef.value = '';
      await this.followPull(job.id, ref);
    } catch (e) {
      this.pullFailed(e.message);
    }
  }

  /**
   * Where a pull goes: the current model's instance (the server's default). A server started without models
   * has none: then the first instance, or a new local instance named "local".
   */
  async pullTarget() {
    if (this.current) {
      return {};
    }
    const instances = (await runJob('instance.list')).instances;
    if (instances.length > 0) {
      return { instance: instances[0] };
    }
    await runJob('instance.create', { name: 'local', type: 'local', config: {} });
    return { instance: 'local' };
  }

  /** After a reload: picks up the pull that was running (or tells how it ended). */
  async resumePull() {
    let saved;
    try {
      saved = JSON.parse(localStorage.getItem(PULL_ITEM));
    } catch (e) {
      saved = null;
    }
    if (!saved || !saved.id) {
      return;
    }
    try {
      const job = await getJob(saved.id);
      if (job.status === 'succeeded') {
        localStorage.removeItem(PULL_ITEM);
        return;
      }
      this.els.reveal(); // a pull the user started is worth showing again
      this.showPull(saved.ref);
      await this.followPull(saved.id, saved.ref);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        localStorage.removeItem(PULL_ITEM); // the server forgot it (restarted, or long finished)
        return;
      }
      this.showPull(saved.ref);
      this.pullFailed(e.message);
    }
  }

  showPull(ref) {
    this.pull = { id: null, ref, samples: [], done: false };
    this.els.pullBox.hidden = false;
    this.els.pullBox.classList.remove('failed', 'finished');
    this.els.pullName.textContent = ref;
    this.els.pullBar.style.width = '0%';
    this.els.pullBar.classList.add('indeterminate');
    this.els.pullStatus.textContent = 'starting…';
    this.els.pullCancel.hidden = false;
    this.els.pull.disabled = true;
  }

  async followPull(id, ref) {
    this.pull.id = id;
    try {
      const result = await followJob(id, (p) => this.progress(p));
      this.pull.done = true;
      localStorage.removeItem(PULL_ITEM);
      if (!this.current) {
        // Nothing was current (an empty server): the first model pulled becomes the current one.
        await runJob('current_model.set', { model_id: result.model, service_name: result.instance })
          .catch((e) => this.showError('Cannot make ' + result.model + ' the current model: ' + e.message));
      }
      await this.refresh();
      // The new model is what the user pulled it for: pick it for the chat.
      const ids = [...this.els.picker.options].map((o) => o.value);
      if (ids.includes(result.model)) {
        this.els.picker.value = result.model;
        localStorage.setItem(PICKED_ITEM, result.model);
      }
      this.els.pullBar.classList.remove('indeterminate');
      this.els.pullBar.style.width = '100%';
      this.els.pullBox.classList.add('finished');
      this.els.pullStatus.textContent = 'ready: ' + result.model + ' loaded on ' + result.instance + ' in '
        + Number(result.seconds).toFixed(1) + ' s';
      this.els.pullCancel.hidden = true;
      this.els.pull.disabled = false;
    } catch (e) {
      localStorage.removeItem(PULL_ITEM);
      this.pullFailed(e.code === 'cancelled' ? 'cancelled' : e.message);
    }
  }

  progress(p) {
    const now = performance.now();
    const box = this.els;
    const total = p.bytes_total || 0;
    const done = p.bytes_done || 0;
    if (p.stage === 'downloading' && total > 0) {
      const s = this.pull.samples;
      s.push({ t: now, bytes: done });
      while (s.length > 2 && now - s[1].t > SPEED_WINDOW_MS) {
        s.shift();
      }
      box.pullBar.classList.remove('indeterminate');
      box.pullBar.style.width = Math.min(100, (100 * done) / total).toFixed(1) + '%';
      const parts = [p.message + ': ' + bytes(done) + ' of ' + bytes(total)
        + ' (' + Math.floor((100 * done) / total) + '%)'];
      // Replayed events (after a reload) arrive all at once: speed needs live samples spread over time.
      const oldest = s[0];
      const span = now - oldest.t;
      if (span >= SPEED_MIN_MS && done > oldest.bytes) {
        const speed = ((done - oldest.bytes) * 1000) / span;
        parts.push(bytes(speed) + '/s');
        parts.push(duration((total - done) / speed) + ' left');
      }
      box.pullStatus.textContent = parts.join(' · ');
    } else {
      box.pullBar.classList.toggle('indeterminate', p.stage !== 'ready');
      box.pullStatus.textContent = p.message || p.stage;
    }
  }

  pullFailed(message) {
    if (this.pull) {
      this.pull.done = true;
    }
    this.els.pullBox.hidden = false;
    this.els.pullBox.classList.add('failed');
    this.els.pullBar.classList.remove('indeterminate');
    this.els.pullStatus.textContent = message;
    this.els.pullCancel.hidden = true;
    this.els.pull.disabled = false;
  }

  async cancelPull() {
    if (!this.pull || !this.pull.id || this.pull.done) {
      return;
    }
    try {
      await cancelJob(this.pull.id);
    } catch (e) {
      this.els.pullStatus.textContent = 'cannot cancel: ' + e.message;
    }
  }
}

function button(label, fn) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'ghost small';
  b.textContent = label;
  b.addEventListener('click', fn);
  return b;
}

function errorItem(text) {
  return Object.assign(document.createElement('li'), { className: 'error', textContent: text });
}

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return (i === 0 ? Math.round(n) : n.toFixed(1)) + ' ' + units[i];
}

function duration(seconds) {
  if (!isFinite(seconds)) {
    return '?';
  }
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) {
    return s + ' s';
  }
  if (s < 3600) {
    return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  }
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}
