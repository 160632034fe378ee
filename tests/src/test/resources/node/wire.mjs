// Drives jllm's Responses and Messages APIs and forced Chat Completions tool calls with the official Node SDKs
// (openai@6, @anthropic-ai/sdk) and prints what they saw as one JSON object for NodeWireSdkTest to check.
// TOOLS_URL: stories260K served as "agent" with a tool-capable template and API key "wire-key";
// PLAIN_URL: stories260K served as "stories" with its own template, which cannot carry tools.
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";

const KEY = "wire-key";
const openai = new OpenAI({ baseURL: process.env.TOOLS_URL + "/v1", apiKey: KEY, maxRetries: 0 });
const plain = new OpenAI({ baseURL: process.env.PLAIN_URL + "/v1", apiKey: "none", maxRetries: 0 });
const anthropic = new Anthropic({ baseURL: process.env.TOOLS_URL, apiKey: KEY, maxRetries: 0 });
const plainAnthropic = new Anthropic({ baseURL: process.env.PLAIN_URL, apiKey: "none", maxRetries: 0 });
// Bounded arguments: whatever the weights, a forced call ends within max_tokens.
const weather = {
  type: "object",
  properties: { city: { type: "string", enum: ["Paris", "Rome", "Oslo"] }, days: { type: "integer", minimum: 1, maximum: 7 } },
  required: ["city", "days"], additionalProperties: false,
};
const out = {};
const fail = e => ({ status: e.status ?? null, body: e.error ?? null, message: e.message });

// ---- Responses API
const whole = await openai.responses.create({
  model: "agent", instructions: "Tell a story.", input: "Once upon a time", max_output_tokens: 12, temperature: 0,
});
out.responsesWhole = { id: whole.id, status: whole.status, model: whole.model, text: whole.output_text,
  types: whole.output.map(o => o.type), usage: whole.usage, incomplete: whole.incomplete_details };

const rs = openai.responses.stream({ model: "agent", input: [{ role: "user", content: "Once upon a time" }],
  max_output_tokens: 12, temperature: 0 });
const events = [];
let deltaText = "";
for await (const e of rs) {
  events.push({ type: e.type, seq: e.sequence_number });
  if (e.type === "response.output_text.delta") deltaText += e.delta;
}
const rsFinal = await rs.finalResponse();
out.responsesStreamed = { events, deltaText, text: rsFinal.output_text, status: rsFinal.status, usage: rsFinal.usage };

const forced = await openai.responses.create({
  model: "agent", input: "Weather in Paris?", max_output_tokens: 300,
  tools: [{ type: "function", name: "get_weather", description: "weather", parameters: weather, strict: true }],
  tool_choice: { type: "function", name: "get_weather" },
});
const call = forced.output.find(o => o.type === "function_call");
out.responsesForced = { status: forced.status, types: forced.output.map(o => o.type),
  name: call?.name, callId: call?.call_id, arguments: call?.arguments };

const rf = openai.responses.stream({
  model: "agent", input: "Weather?", max_output_tokens: 300, tool_choice: "required",
  tools: [{ type: "function", name: "get_weather", parameters: weather, strict: true }],
});
let argPieces = [];
let argsDone = null;
for await (const e of rf) {
  if (e.type === "response.function_call_arguments.delta") argPieces.push(e.delta);
  if (e.type === "response.function_call_arguments.done") argsDone = e.arguments;
}
const rfFinal = await rf.finalResponse();
const rfCall = rfFinal.output.find(o => o.type === "function_call");
out.responsesRequiredStreamed = { pieces: argPieces, done: argsDone, name: rfCall?.name, arguments: rfCall?.arguments };

const structured = await openai.responses.create({
  model: "agent", input: "A story, as JSON", max_output_tokens: 300,
  text: { format: { type: "json_schema", name: "story", strict: true, schema: {
    type: "object", properties: { genre: { enum: ["fable", "poem", "tale"] }, year: { type: "integer", minimum: 1900, maximum: 2100 } },
    required: ["genre", "year"], additionalProperties: false } } },
});
out.responsesSchema = { status: structured.status, text: structured.output_text, format: structured.text?.format?.type };

const followUp = await openai.responses.create({
  model: "agent", previous_response_id: forced.id, max_output_tokens: 8,
  input: [{ type: "function_call_output", call_id: call.call_id, output: "sunny" }],
});
out.responsesFollowUp = { status: followUp.status, previous: followUp.previous_response_id };
const unkept = await openai.responses.create({ model: "agent", input: "Hi", max_output_tokens: 4, store: false });
try {
  await openai.responses.create({ model: "agent", input: "Again", max_output_tokens: 4, previous_response_id: unkept.id });
  out.unkept = { status: 200 };
} catch (e) {
  out.unkept = fail(e);
}

// ---- Chat Completions: forced calls, named and required, whole and streamed (arguments in pieces)
const chatTools = [{ type: "function", function: { name: "get_weather", description: "weather", parameters: weather } }];
const question = [{ role: "user", content: "Weather?" }];
const chatCall = c => ({ finish: c.choices[0].finish_reason, name: c.choices[0].message.tool_calls?.[0]?.function.name,
  arguments: c.choices[0].message.tool_calls?.[0]?.function.arguments });
out.chatNamed = chatCall(await openai.chat.completions.create({ model: "agent", messages: question, tools: chatTools,
  max_tokens: 300, tool_choice: { type: "function", function: { name: "get_weather" } } }));
out.chatRequired = chatCall(await openai.chat.completions.create({ model: "agent", messages: question,
  tools: chatTools, max_tokens: 300, tool_choice: "required" }));
for (const [key, choice] of [["chatNamedStreamed", { type: "function", function: { name: "get_weather" } }],
                             ["chatRequiredStreamed", "required"]]) {
  const s = openai.chat.completions.stream({ model: "agent", messages: question, tools: chatTools, max_tokens: 300,
    tool_choice: choice });
  const deltas = [];
  s.on("chunk", chunk => {
    for (const t of chunk.choices[0]?.delta.tool_calls ?? []) {
      deltas.push({ index: t.index, id: t.id ?? null, type: t.type ?? null, name: t.function?.name ?? null,
        arguments: t.function?.arguments ?? null });
    }
  });
  out[key] = { ...chatCall(await s.finalChatCompletion()), deltas };
}

// ---- Anthropic Messages API
const msg = await anthropic.messages.create({ model: "agent", max_tokens: 12, system: "Tell a story.",
  messages: [{ role: "user", content: "Once upon a time" }], temperature: 0 });
out.messagesWhole = { type: msg.type, role: msg.role, model: msg.model, content: msg.content, stop: msg.stop_reason,
  usage: msg.usage };

const ms = anthropic.messages.stream({ model: "agent", max_tokens: 12, temperature: 0,
  system: [{ type: "text", text: "Tell a story." }], messages: [{ role: "user", content: [{ type: "text", text: "Once upon a time" }] }] });
const mEvents = [];
let mText = "";
for await (const e of ms) {
  mEvents.push(e.type + (e.delta?.type ? ":" + e.delta.type : ""));
  if (e.type === "content_block_delta" && e.delta.type === "text_delta") mText += e.delta.text;
}
const msFinal = await ms.finalMessage();
out.messagesStreamed = { events: mEvents, deltaText: mText, content: msFinal.content, stop: msFinal.stop_reason,
  usage: msFinal.usage };

const weatherTool = { name: "get_weather", description: "weather", input_schema: weather };
const tu = await anthropic.messages.create({ model: "agent", max_tokens: 300, tools: [weatherTool],
  tool_choice: { type: "tool", name: "get_weather" }, messages: [{ role: "user", content: "Weather?" }] });
out.messagesForced = { stop: tu.stop_reason, content: tu.content };

const tus = anthropic.messages.stream({ model: "agent", max_tokens: 300, tools: [weatherTool], tool_choice: { type: "any" },
  messages: [{ role: "user", content: "Weather?" }] });
const jsonPieces = [];
for await (const e of tus) {
  if (e.type === "content_block_delta" && e.delta.type === "input_json_delta") jsonPieces.push(e.delta.partial_json);
}
const tusFinal = await tus.finalMessage();
out.messagesForcedStreamed = { stop: tusFinal.stop_reason, content: tusFinal.content, pieces: jsonPieces };

const use = tu.content.find(b => b.type === "tool_use");
const after = await anthropic.messages.create({ model: "agent", max_tokens: 8, tools: [weatherTool], messages: [
  { role: "user", content: "Weather?" },
  { role: "assistant", content: tu.content },
  { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: "sunny" }] }] });
out.messagesToolResult = { stop: after.stop_reason, types: after.content.map(b => b.type) };

const stopped = await anthropic.messages.create({ model: "agent", max_tokens: 40, stop_sequences: ["e", " "],
  messages: [{ role: "user", content: "Once upon a time" }] });
out.messagesStop = { stop: stopped.stop_reason, sequence: stopped.stop_sequence, content: stopped.content };

out.countTokens = await anthropic.messages.countTokens({ model: "agent", tools: [weatherTool],
  messages: [{ role: "user", content: "Weather?" }] });

try {
  await anthropic.messages.create({ model: "agent", messages: [{ role: "user", content: "Hi" }] });
  out.messagesInvalid = { status: 200 };
} catch (e) {
  out.messagesInvalid = fail(e);
}
try {
  await new Anthropic({ baseURL: process.env.TOOLS_URL, apiKey: "wrong", maxRetries: 0 }).messages.create(
    { model: "agent", max_tokens: 4, messages: [{ role: "user", content: "Hi" }] });
  out.messagesBadKey = { status: 200 };
} catch (e) {
  out.messagesBadKey = fail(e);
}

// ---- A template that cannot carry tools: a 400 naming tools on all three APIs
out.refusals = {};
try {
  await plain.chat.completions.create({ model: "stories", messages: question, tools: chatTools, max_tokens: 4 });
  out.refusals.chat = { status: 200 };
} catch (e) {
  out.refusals.chat = fail(e);
}
try {
  await plain.responses.create({ model: "stories", input: "Weather?", max_output_tokens: 4,
    tools: [{ type: "function", name: "get_weather", parameters: weather }] });
  out.refusals.responses = { status: 200 };
} catch (e) {
  out.refusals.responses = fail(e);
}
try {
  await plainAnthropic.messages.create({ model: "stories", max_tokens: 4, tools: [weatherTool],
    messages: [{ role: "user", content: "Weather?" }] });
  out.refusals.messages = { status: 200 };
} catch (e) {
  out.refusals.messages = fail(e);
}

console.log(JSON.stringify(out));
