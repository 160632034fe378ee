#!/usr/bin/env python3
"""Renders the chat templates of the model families jllm runs (Phi-3, Gemma 2, Gemma 3, Qwen3 / Qwen3-MoE) for a set
of conversations with real Jinja2 configured as Hugging Face's apply_chat_template configures it (sandboxed
environment, trim_blocks + lstrip_blocks, tojson, raise_exception, strftime_now), and writes
family-template-cases.json beside this directory: name, template, context, expected text (or the error message).

Run: python3 render.py   (Debian: apt-get install -y python3-jinja2; this run used Jinja2 3.1.6)
"""
import json
import os
from datetime import datetime, timezone

from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = os.path.join(HERE, "..", "templates")
NOW = datetime(2025, 7, 10, 12, 0, 0, tzinfo=timezone.utc)


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    # transformers' own tojson: json.dumps without HTML escaping
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(fmt):
    return NOW.strftime(fmt)


def environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Current weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"},
                                                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                   "required": ["city"]}}}

SYSTEM = {"role": "system", "content": "You are a terse assistant. Answer in one line."}
TURNS = [{"role": "user", "content": "What is the capital of France?"},
         {"role": "assistant", "content": "Paris."},
         {"role": "user", "content": "  And of Italy?  \n"}]
TOOL_TURNS = [{"role": "user", "content": "Weather in Paris and Rome?"},
              {"role": "assistant", "content": "",
               "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}},
                              {"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Rome\"}"}}]},
              {"role": "tool", "content": "{\"temp\": 21}"},
              {"role": "tool", "content": "{\"temp\": 25}"},
              {"role": "assistant", "content": "Paris 21, Rome 25 degrees."},
              {"role": "user", "content": "Thanks! Café au lait for ✓?"}]
THINKING_TURNS = [{"role": "user", "content": "2+2?"},
                  {"role": "assistant", "content": "<think>\nadd them\n</think>\n\n4"},
                  {"role": "user", "content": "3+3?"},
                  {"role": "assistant", "content": "6", "reasoning_content": "add again"},
                  {"role": "user", "content": "and 4+4? /no_think"}]


def conversations(family):
    base = {"plain": [TURNS[0]], "multi-turn": TURNS, "system+multi-turn": [SYSTEM] + TURNS}
    out = []
    for name, messages in base.items():
        for gen in (True, False):
            out.append((name + (" +gen" if gen else ""), {"messages": messages, "add_generation_prompt": gen}))
    if family == "qwen3":
        out.append(("tools", {"messages": [SYSTEM] + TOOL_TURNS, "tools": [WEATHER_TOOL], "add_generation_prompt": True}))
        out.append(("tools without system", {"messages": TOOL_TURNS, "tools": [WEATHER_TOOL], "add_generation_prompt": True}))
        out.append(("thinking history", {"messages": THINKING_TURNS, "add_generation_prompt": True}))
        out.append(("enable_thinking false", {"messages": THINKING_TURNS, "add_generation_prompt": True,
                                              "enable_thinking": False}))
        out.append(("tool step keeps its reasoning", {"messages": [
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": "", "reasoning_content": "I should call the tool.",
             "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
            {"role": "tool", "content": "{\"temp\": 21}"}], "tools": [WEATHER_TOOL], "add_generation_prompt": True}))
        out.append(("enable_thinking true", {"messages": [TURNS[0]], "add_generation_prompt": True,
                                             "enable_thinking": True}))
    if family.startswith("gemma"):
        out.append(("roles not alternating", {"messages": [TURNS[0], TURNS[0]], "add_generation_prompt": True}))
    if family == "gemma-3":
        out.append(("content parts", {"messages": [{"role": "system", "content": [{"type": "text", "text": "Be brief."}]},
                                                   {"role": "user", "content": [{"type": "text", "text": " Hi "},
                                                                                {"type": "text", "text": "there"}]}],
                                      "add_generation_prompt": True}))
    return out


FAMILIES = [("phi-3", "phi-3.5-mini-instruct.jinja", "<s>", "<|endoftext|>"),
            ("gemma-2", "gemma-2-it.jinja", "<bos>", "<eos>"),
            ("gemma-3", "gemma-3-it.jinja", "<bos>", "<eos>"),
            ("qwen3", "qwen3.jinja", None, "<|im_end|>")]


def main():
    env = environment()
    cases = []
    for family, file, bos, eos in FAMILIES:
        with open(os.path.join(TEMPLATES, file), encoding="utf-8") as f:
            source = f.read()
        template = env.from_string(source)
        for name, context in conversations(family):
            context = dict(context)
            if bos is not None:
                context["bos_token"] = bos
            context["eos_token"] = eos
            try:
                expected, error = template.render(**context), None
            except TemplateError as e:
                expected, error = None, str(e)
            cases.append({"name": family + ": " + name, "template": file, "context": context,
                          "expected": expected, "error": error})
    with open(os.path.join(HERE, "..", "family-template-cases.json"), "w", encoding="utf-8") as f:
        json.dump({"generator": "families/render.py, Jinja2 3.1.6", "cases": cases}, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
