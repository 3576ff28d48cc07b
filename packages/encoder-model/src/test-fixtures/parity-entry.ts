// Runs in headless Chromium via runInBrowser (parity-webgpu.test.ts): the HF fixture parity check
// on the page's backend (webgpu). Weights arrive base64-encoded; no file access in the browser.
import { checkParity } from '../parity.js';

interface Input {
  config: Record<string, unknown>;
  weightsBase64: string;
  inputs: Parameters<typeof checkParity>[2];
  expected: Parameters<typeof checkParity>[3];
}

export default async function run(input: Input): Promise<Record<string, number>> {
  const bin = atob(input.weightsBase64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return await checkParity(input.config, bytes, input.inputs, input.expected);
}
