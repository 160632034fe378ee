# Renders tool conversations through real chat templates the way Hugging Face transformers does
# (jinja2 sandbox, trim_blocks, lstrip_blocks, loopcontrols, HF's tojson), writing round-trip.json for
# ToolTemplatesRoundTripTest. Run from this directory: python3 make_round_trip.py
import json
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.ext import loopcontrols

def raise_exception(message):
    raise Exception(message)

def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception

tools = [{"type": "function", "function": {"name": "get_weather", "description": "Current weather in a city",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}},
                         "required": ["city"]}}}]

def conversation(call_id):
    return [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "What is the weather in Paris?"},
        {"role": "assistant", "content": "", "tool_calls": [
            {"id": call_id, "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "c"}}}]},
        {"role": "tool", "tool_call_id": call_id, "content": "{\"temperature\": 21}"},
    ]

cases = []
for name, call_id in [("qwen2.5-instruct.jinja", "call_abc"), ("qwen3.jinja", "call_abc"),
                      ("llama-3.1-instruct.jinja", "call_abc"), ("mistral-7b-instruct-v0.3.jinja", "abcdefghi")]:
    # the real templates live in the chat-template module
    source = open("../../../../../../../../../chat-template/src/test/resources/dev/jllm/template/templates/" + name).read()
    out = env.from_string(source).render(messages=conversation(call_id), tools=tools, add_generation_prompt=True,
                                         bos_token="<s>", eos_token="</s>")
    cases.append({"template": name, "call_id": call_id, "expected": out})

with open("round-trip.json", "w") as f:
    json.dump({"tools": tools, "cases": cases}, f, indent=1, ensure_ascii=False)
    f.write("\n")
