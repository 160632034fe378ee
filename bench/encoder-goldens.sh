#!/usr/bin/env bash
# Writes the llama.cpp reference vectors of the encoder embedding tests
# (runtime/src/test/resources/embeddings/encoders/*.json), read by EncoderEmbeddingsGoldenTest.
#
# Each case is a synthetic encoder (`jllm synth`, seed 1, the WordPiece vocabulary of ggml-vocab-bert-bge.gguf) that
# the test regenerates byte for byte (the SHA-256 is kept with the vectors), embedded by llama.cpp's
# llama-embedding with the file's own pooling and Euclidean normalization, all texts in one batch.
#
#   LLAMA_EMBEDDING=/tmp/llcpp/build/bin/llama-embedding bench/encoder-goldens.sh
#
# Recorded with llama.cpp 82bb485 built for the CPU (not part of this repository).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bin="${LLAMA_EMBEDDING:-/tmp/llcpp/build/bin/llama-embedding}"
vocab="${VOCAB:-../shared/testdata/vocab/ggml-vocab-bert-bge.gguf}"
out=runtime/src/test/resources/embeddings/encoders
work=target/encoder-goldens
mkdir -p "$out" "$work"
# the texts the test embeds (one per line; keep in sync with EncoderEmbeddingsGoldenTest.TEXTS)
texts=$'Hello world\nThe quick brown fox jumps over the lazy dog.\nRetrieval-augmented generation: what\'s the best embedding model?\nÇa marche très bien, naïve café!\n日本語のテキスト'
for c in bert-small:F32:cls bert-small:F32:mean bert-small:Q8_0:cls nomic-bert-small:F32:mean nomic-bert-small:F32:last \
         nomic-bert-small:Q8_0:mean; do
  IFS=: read -r shape type pooling <<<"$c"
  name="$shape-$type-$pooling"
  ./jllm synth --shape "$shape" --type "$type" --pooling "$pooling" --vocab "$vocab" --seed 1 --out "$work/$name.gguf"
  "$bin" -m "$work/$name.gguf" -t 1 --pooling "$pooling" --embd-normalize 2 --embd-output-format array \
      -p "$texts" 2>"$work/$name.log" >"$work/$name.array"
  python3 - "$work/$name.gguf" "$work/$name.array" "$pooling" "$texts" >"$out/$name.json" <<'PY'
import hashlib, json, sys
gguf, array, pooling, texts = sys.argv[1:5]
print(json.dumps({"sha256": hashlib.sha256(open(gguf, "rb").read()).hexdigest(), "pooling": pooling,
                  "texts": texts.split("\n"), "embeddings": json.load(open(array))}, ensure_ascii=False))
PY
  echo "$name: $(grep -o 'n_tokens = [0-9]*, n_seq = [0-9]*' "$work/$name.log")"
done
