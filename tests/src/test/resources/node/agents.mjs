// Drives jllm with the official Node SDK (openai@6) and prints what it saw as one JSON object for
// NodeOpenAiSdkTest to check. TOOLS_URL: a server whose "agent" model calls tools; STORIES_URL: stories260K
// served as "stories" (no tool template).
import OpenAI from "openai";

const tools = new OpenAI({ baseURL: process.env.TOOLS_URL + "/v1", apiKey: "none", maxRetries: 0 });
const stories = new OpenAI({ baseURL: process.env.STORIES_URL + "/v1", apiKey: "none", maxRetries: 0 });
const fns = [
  { type: "function", function: { name: "get_weather", description: "weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
  { type: "function", function: { name: "get_time", description: "time", parameters: { type: "object", properties: {} } } },
];
const question = [{ role: "user", content: "Weather and time in Paris?" }];
const out = {};

const whole = await tools.chat.completions.create({ model: "agent", messages: question, tools: fns });
out.whole = {
  model: whole.model,
  finish: whole.choices[0].finish_reason,
  content: whole.choices[0].message.content,
  calls: whole.choices[0].message.tool_calls.map(c => ({ id: c.id, type: c.type, name: c.function.name, arguments: c.function.arguments })),
};

const stream = tools.chat.completions.stream({ model: "agent", messages: question, tools: fns });
const deltas = [];
stream.on("chunk", chunk => {
  for (const choice of chunk.choices) {
    for (const t of choice.delta.tool_calls ?? []) {
      deltas.push({ index: t.index, id: t.id ?? null, name: t.function?.name ?? null, arguments: t.function?.arguments ?? null });
    }
  }
});
const final = await stream.finalChatCompletion();
out.streamed = {
  finish: final.choices[0].finish_reason,
  calls: final.choices[0].message.tool_calls.map(c => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })),
  deltas,
};

const next = await tools.chat.completions.create({
  model: "agent", tools: fns,
  messages: [...question, whole.choices[0].message,
    ...whole.choices[0].message.tool_calls.map(c => ({ role: "tool", tool_call_id: c.id, content: c.function.name + " done" }))],
});
out.next = { finish: next.choices[0].finish_reason, content: next.choices[0].message.content };

try {
  await stories.chat.completions.create({ model: "stories", messages: question, tools: fns, max_tokens: 4 });
  out.refusal = { status: 200 };
} catch (e) {
  out.refusal = { status: e.status, param: e.param ?? e.error?.param ?? null, message: e.message };
}

const two = await stories.chat.completions.create({
  model: "stories", messages: [{ role: "user", content: "Once upon a time" }], n: 2, max_completion_tokens: 6,
  temperature: 0, store: false, metadata: { run: "node" }, service_tier: "auto", prompt_cache_key: "k",
  safety_identifier: "s", reasoning_effort: "low", user: "u",
});
out.n2 = { model: two.model, choices: two.choices.length, indexes: two.choices.map(c => c.index) };

console.log(JSON.stringify(out));
