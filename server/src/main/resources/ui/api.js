// Talking to the jllm server: the API key, JSON requests, server-sent events read over fetch, and jobs.
// EventSource cannot send an Authorization header, so event streams are read from fetch bodies here.

const KEY_ITEM = 'jllm.apiKey';

/** An error the server answered (OpenAI's shape), or a failure to reach it. */
export class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let askKey = async () => null; // set by the page: shows the key dialog, resolves to the key or null

/** The page's way of asking the user for a key (called on a 401). */
export function onKeyNeeded(fn) {
  askKey = fn;
}

export function apiKey() {
  return sessionStorage.getItem(KEY_ITEM);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY_ITEM);
}

// Several requests may get a 401 at once; they share one question to the user.
let pendingAsk = null;

async function keyAfter401(message) {
  if (!pendingAsk) {
    pendingAsk = askKey(message).finally(() => { pendingAsk = null; });
  }
  const key = await pendingAsk;
  if (key) {
    sessionStorage.setItem(KEY_ITEM, key);
  }
  return key;
}

/**
 * fetch() with the API key; on a 401 asks for a key and tries again. Answers that are not 2xx become ApiErrors
 * carrying the server's message.
 */
export async function request(path, options = {}) {
  for (;;) {
    const headers = new Headers(options.headers || {});
    const key = apiKey();
    if (key) {
      headers.set('Authorization', 'Bearer ' + key);
    }
    let res;
    try {
      res = await fetch(path, { ...options, headers });
    } catch (e) {
      if (e.name === 'AbortError') {
        throw e;
      }
      throw new ApiError('cannot reach the server (' + e.message + ')', 0, 'network');
    }
    if (res.status === 401) {
      const err = await errorOf(res);
      if (key) {
        forgetKey();
      }
      if (await keyAfter401(key ? 'That key was refused: ' + err.message : null)) {
        continue;
      }
      throw err;
    }
    if (!res.ok) {
      throw await errorOf(res);
    }
    return res;
  }
}

async function errorOf(res) {
  let message = res.status + ' ' + res.statusText;
  let code = null;
  try {
    const body = await res.json();
    if (body && body.error) {
      message = typeof body.error === 'string' ? body.error : body.error.message || message;
      code = body.error.code || null;
    }
  } catch (e) {
    // not JSON: keep the status line
  }
  return new ApiError(message, res.status, code);
}

export async function getJson(path, options = {}) {
  const res = await request(path, options);
  return res.json();
}

export async function postJson(path, body, options = {}) {
  const res = await request(path, {
    ...options, method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  return res.json();
}

/**
 * Reads a text/event-stream body, calling onEvent({id, event, data}) per event (comment lines are skipped).
 * Resolves when the stream ends.
 */
export async function readEvents(res, onEvent) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = { id: null, event: 'message', data: [] };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      let line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.endsWith('\r')) {
        line = line.slice(0, -1);
      }
      if (line === '') {
        if (event.data.length > 0) {
          let stop;
          try {
            stop = onEvent({ id: event.id, event: event.event, data: event.data.join('\n') });
          } catch (e) {
            reader.cancel().catch(() => {}); // the caller gives up on this stream: close it
            throw e;
          }
          if (stop === false) {
            reader.cancel().catch(() => {});
            return;
          }
        }
        event = { id: null, event: 'message', data: [] };
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') {
          event.data.push(val);
        } else if (field === 'event') {
          event.event = val;
        } else if (field === 'id') {
          event.id = val;
        }
      }
    }
  }
}

/** Submits a job; resolves to the job object (its id is what follows and resumes it). */
export function submitJob(type, params) {
  return postJson('/v1/jobs', { type, params });
}

export function getJob(id) {
  return getJson('/v1/jobs/' + encodeURIComponent(id));
}

export function cancelJob(id) {
  return request('/v1/jobs/' + encodeURIComponent(id), { method: 'DELETE' });
}

/**
 * Follows a job's events until its final one; onProgress gets each progress event's data. Reconnects after a
 * dropped connection from the last event id. Resolves to the result; rejects with an ApiError on failure or
 * cancellation.
 */
export async function followJob(id, onProgress = () => {}, signal = undefined) {
  let after = 0;
  for (let attempt = 0; ; attempt++) {
    let final = null;
    const before = after;
    try {
      const res = await request('/v1/jobs/' + encodeURIComponent(id) + '/events?after=' + after,
        { signal, headers: { Accept: 'text/event-stream' } });
      await readEvents(res, (e) => {
        after = Number(e.id) || after;
        const data = JSON.parse(e.data);
        if (e.event === 'progress') {
          onProgress(data);
        } else if (e.event === 'result' || e.event === 'error' || e.event === 'cancelled') {
          final = { kind: e.event, data };
          return false;
        }
        return true;
      });
    } catch (e) {
      if (e.name === 'AbortError' || (e instanceof ApiError && e.status !== 0) || attempt >= 5) {
        throw e;
      }
      await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
      continue;
    }
    if (final) {
      if (final.kind === 'result') {
        return final.data;
      }
      if (final.kind === 'cancelled') {
        throw new ApiError('cancelled', 499, 'cancelled');
      }
      const err = final.data.error || {};
      throw new ApiError(err.message || 'the job failed', err.http_status || 500, err.code || null);
    }
    // The stream ended without a final event (the connection dropped): continue after the last id. Only
    // reconnections that bring nothing new count against the limit.
    if (after > before) {
      attempt = 0;
    } else if (attempt >= 5) {
      throw new ApiError('the connection to the server keeps dropping', 0, 'network');
    } else {
      await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
    }
  }
}

/** Runs a short job to its end: its result, or an ApiError. */
export async function runJob(type, params) {
  const job = await submitJob(type, params);
  return followJob(job.id);
}
