/**
 * The safetensors format: a validated, memory-mapped reader ({@link dev.jllm.models.safetensors.SafetensorsFile})
 * and a small writer for fixtures and synthetic checkpoints.
 */
package dev.jllm.models.safetensors;
